import { writeJsonAtomic } from '../io/atomic-write.js';
import type { HeartbeatDocument, StatusDocument } from './status-document.js';

export interface StatusPublisherOptions {
  readonly statusFile: string;
  readonly heartbeatFile: string;
  readonly statusIntervalMs: number;
  readonly heartbeatIntervalMs: number;
  readonly buildStatus: () => StatusDocument;
  readonly buildHeartbeat: () => HeartbeatDocument;
  readonly onWriteError: (error: unknown) => void;
}

/** After a change, the status is rewritten within this many ms; changes in between share one write. */
const COALESCE_MS = 3;

/**
 * Keeps status.json and the heartbeat current: on a timer, and soon after every change.
 * Writes are atomic replaces, so a reader never sees a partial file.
 */
export class StatusPublisher {
  private statusTimer: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private pending: NodeJS.Timeout | null = null;
  private closed = false;
  writes = 0;

  constructor(private readonly options: StatusPublisherOptions) {}

  start(): void {
    this.writeStatus();
    this.writeHeartbeat();
    this.statusTimer = setInterval(() => this.writeStatus(), this.options.statusIntervalMs);
    this.heartbeatTimer = setInterval(() => this.writeHeartbeat(), this.options.heartbeatIntervalMs);
  }

  /** Something an operator would want to see changed: write soon, once. */
  changed(): void {
    if (this.closed || this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = null;
      this.writeStatus();
    }, COALESCE_MS);
  }

  /** Writes now (a final state, or a control result the CLI is waiting for). */
  flush(): void {
    if (this.pending) clearTimeout(this.pending);
    this.pending = null;
    this.writeStatus();
  }

  /** Stops the timers and writes the last documents, as given. */
  close(finalStatus: StatusDocument, finalHeartbeat: HeartbeatDocument): void {
    this.closed = true;
    for (const timer of [this.statusTimer, this.heartbeatTimer]) if (timer) clearInterval(timer);
    if (this.pending) clearTimeout(this.pending);
    this.safeWrite(this.options.statusFile, finalStatus);
    this.safeWrite(this.options.heartbeatFile, finalHeartbeat);
  }

  private writeStatus(): void {
    if (this.closed) return;
    this.safeWrite(this.options.statusFile, this.options.buildStatus());
  }

  private writeHeartbeat(): void {
    if (this.closed) return;
    this.safeWrite(this.options.heartbeatFile, this.options.buildHeartbeat());
  }

  private safeWrite(file: string, value: unknown): void {
    try {
      writeJsonAtomic(file, value);
      this.writes++;
    } catch (error) {
      this.options.onWriteError(error);
    }
  }
}
