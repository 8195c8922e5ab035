import type { Dirent, Stats } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { watch } from 'chokidar';
import type { FSWatcher } from 'chokidar';
import type { Logger } from '../ports/logger.js';
import { ControlKind, controlKindOf, isOneShot } from './control-files.js';
import type { OneShotKind } from './control-files.js';
import type { ControlFileSignal, ControlSignal } from './control-signal.js';
import { MAX_CONTROL_FILE_BYTES, isGone, readControlFile } from './read-control-file.js';
import { statOrNull, waitUntilStable } from './wait-stable.js';

export interface ControlWatcherOptions {
  /** The control folder; created when missing. */
  readonly dir: string;
  /**
   * Receives every signal, one at a time. It must be idempotent: a file may be seen by an
   * event and by the poll. It must not await `close()` of this watcher.
   */
  readonly onSignal: (signal: ControlSignal) => void | Promise<void>;
  readonly logger: Logger;
  /** Filesystem events through chokidar (default true); false leaves the poll alone, as on a network drive. */
  readonly events?: boolean;
  /** The safety-net poll (default 1000 ms). */
  readonly pollIntervalMs?: number;
  /** Size and mtime must be unchanged this long before a file is read (default 50 ms). */
  readonly stableMs?: number;
  /** How often the stability wait looks (default 10 ms). */
  readonly checkMs?: number;
  /** Files larger than this are refused unread (default 64 KiB). */
  readonly maxBytes?: number;
  /** Delay before a failed chokidar watcher is recreated (default 500 ms). */
  readonly restartDelayMs?: number;
}

/** A busy writer cannot hold a control file back for longer than this. */
const MAX_STABLE_WAIT_MS = 5_000;

/**
 * Turns the control folder into signals: one-shot files once they are stable, and the PAUSE
 * level. Events give speed; a poll every second catches what events miss (network drives,
 * WSL/Docker mounts, editors that save by rename). A file is not signalled again while it is
 * being handled, nor afterwards while the same version stays; a re-created file is new.
 */
export class ControlWatcher {
  private readonly dir: string;
  private readonly pollIntervalMs: number;
  private fsw: FSWatcher | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private started = false;
  private closed = false;
  /** Entry names whose file is being waited on, read or handled. */
  private readonly inFlight = new Set<string>();
  /** In-flight names that were touched again meanwhile: look once more when done. */
  private readonly again = new Set<string>();
  /** Entry name → the version already signalled, and when (in `handledSeq` steps). */
  private readonly handled = new Map<string, { readonly identity: string; readonly seq: number }>();
  private handledSeq = 0;
  /** The watcher's own waiting (stat loops, listings): close() ends and awaits it. */
  private readonly waiting = new Set<Promise<unknown>>();
  /** Everything under way, handlers included: idle() awaits it. */
  private readonly busy = new Set<Promise<unknown>>();
  private handlerChain: Promise<void> = Promise.resolve();
  private scanning: Promise<void> | null = null;
  private scanAgain = false;
  private pausePresent: boolean | null = null;
  private markClosed: () => void = () => undefined;
  /** Settles when close() is called, so nothing waits on a watcher that is going away. */
  private readonly closing = new Promise<void>((resolve) => (this.markClosed = resolve));

  constructor(private readonly options: ControlWatcherOptions) {
    this.dir = path.resolve(options.dir);
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
  }

  /**
   * Creates the folder if needed, starts the events, then scans: the PAUSE level is signalled
   * and files already present are handled before this resolves. Then the poll runs.
   */
  async start(): Promise<void> {
    if (this.started) throw new Error('ControlWatcher.start() was already called');
    this.started = true;
    await fs.mkdir(this.dir, { recursive: true });
    if ((this.options.events ?? true) && !this.closed) await this.startEvents();
    await this.rescan();
    await this.idle();
    this.schedulePoll();
  }

  /** Stops events, poll and waits; no timer or handle is left. Signals not yet delivered are dropped. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.markClosed();
    for (const timer of [this.pollTimer, this.restartTimer]) if (timer) clearTimeout(timer);
    this.pollTimer = null;
    this.restartTimer = null;
    const fsw = this.fsw;
    this.fsw = null;
    await fsw?.close();
    await Promise.allSettled([...this.waiting]);
  }

  /** Resolves once nothing is being waited on or handled (tests; an orderly start). */
  async idle(): Promise<void> {
    while (this.busy.size > 0) await Promise.allSettled([...this.busy]);
  }

  private async startEvents(): Promise<void> {
    if (this.closed) return;
    const fsw = watch(this.dir, {
      depth: 0,
      ignoreInitial: true, // start() scans explicitly once the watcher is ready
      atomic: false,
      awaitWriteFinish: false,
      persistent: true,
      ignored: (p: string) => path.resolve(p) !== this.dir && controlKindOf(path.basename(p)) === null,
    });
    this.fsw = fsw;
    fsw.on('all', (_event, p) => {
      if (fsw === this.fsw) this.onEntry(path.basename(p));
    });
    // chokidar drops a second unlink of the same name within 100 ms (its `remove` throttle);
    // the raw fs.watch events are not throttled, and every entry is checked on disk anyway.
    fsw.on('raw', (_event, rawPath) => {
      if (fsw === this.fsw && rawPath) this.onEntry(path.basename(rawPath));
    });
    fsw.on('error', (error) => this.onWatchError(fsw, error));
    const ready = new Promise<void>((resolve) => {
      fsw.once('ready', resolve);
      fsw.once('error', () => resolve());
    });
    await Promise.race([ready, this.closing]);
  }

  /** chokidar can die (the folder vanished, a handle limit); the poll covers the gap until it is back. */
  private onWatchError(fsw: FSWatcher, error: unknown): void {
    if (this.closed || fsw !== this.fsw) return;
    this.options.logger.warn({ err: error, dir: this.dir }, 'control folder watcher failed; recreating it (the 1 s poll covers the gap)');
    this.fsw = null;
    fsw.close().catch(() => undefined);
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    if (this.closed || this.restartTimer) return;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.closed) return;
      this.startEvents()
        .then(() => this.rescan())
        .catch((error: unknown) => {
          this.options.logger.warn({ err: error, dir: this.dir }, 'could not recreate the control folder watcher; trying again');
          this.scheduleRestart();
        });
    }, this.options.restartDelayMs ?? 500);
  }

  private schedulePoll(): void {
    if (this.closed) return;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = null;
      this.rescan()
        .catch((error: unknown) => this.options.logger.warn({ err: error, dir: this.dir }, 'control folder poll failed'))
        .finally(() => this.schedulePoll());
    }, this.pollIntervalMs);
  }

  private onEntry(name: string): void {
    const kind = controlKindOf(name);
    if (kind === null || this.closed) return;
    if (isOneShot(kind)) this.trigger(name, kind);
    else void this.rescan().catch((error: unknown) => this.options.logger.warn({ err: error }, 'control folder scan failed'));
  }

  /** Lists the folder: updates the PAUSE level and looks at every one-shot file. Runs one at a time. */
  private rescan(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.scanning) {
      this.scanAgain = true;
      return this.scanning;
    }
    const run = async () => {
      do {
        this.scanAgain = false;
        await this.scanOnce();
      } while (this.scanAgain && !this.closed);
    };
    const scanning = this.track(run(), true).finally(() => {
      this.scanning = null;
    });
    this.scanning = scanning;
    return scanning;
  }

  private async scanOnce(): Promise<void> {
    const listedAfter = this.handledSeq;
    const entries = await this.list();
    if (entries === null || this.closed) return;
    const pauseFiles: string[] = [];
    const present = new Set<string>();
    for (const entry of entries) {
      const kind = controlKindOf(entry.name);
      if (kind === null || !(entry.isFile() || entry.isSymbolicLink())) continue;
      present.add(entry.name);
      if (isOneShot(kind)) this.trigger(entry.name, kind);
      else pauseFiles.push(entry.name);
    }
    // Forget versions that are gone, but not one signalled after this listing began.
    for (const [name, { seq }] of this.handled) if (seq <= listedAfter && !present.has(name) && !this.inFlight.has(name)) this.handled.delete(name);
    const paused = pauseFiles.length > 0;
    if (paused !== this.pausePresent) {
      this.pausePresent = paused;
      void this.track(this.deliver({ kind: ControlKind.PAUSE, present: paused, files: pauseFiles.sort() }), false);
    }
  }

  private async list(): Promise<Dirent[] | null> {
    try {
      return await fs.readdir(this.dir, { withFileTypes: true });
    } catch (error) {
      if (!isGone(error) || this.closed) throw error;
      // Someone removed the control folder: put it back, and the watcher with it.
      this.options.logger.warn({ dir: this.dir }, 'the control folder disappeared; recreating it');
      await fs.mkdir(this.dir, { recursive: true });
      if ((this.options.events ?? true) && this.fsw) this.onWatchError(this.fsw, error);
      return null;
    }
  }

  private trigger(name: string, kind: OneShotKind): void {
    if (this.closed) return;
    if (this.inFlight.has(name)) {
      this.again.add(name);
      return;
    }
    this.inFlight.add(name);
    const run = async () => {
      try {
        do {
          this.again.delete(name);
          const signal = await this.track(this.prepare(name, kind), true);
          if (signal) await this.deliver(signal);
        } while (this.again.has(name) && !this.closed);
      } catch (error) {
        this.options.logger.error({ err: error, file: name }, 'could not read a control file');
      } finally {
        this.inFlight.delete(name);
        this.again.delete(name);
      }
    };
    void this.track(run(), false);
  }

  /** The signal for the current version of `name`, or null when it is gone or already signalled. */
  private async prepare(name: string, kind: OneShotKind): Promise<ControlFileSignal | null> {
    const file = path.join(this.dir, name);
    const first = await statOrNull(file);
    if (!first || !first.isFile()) {
      this.handled.delete(name);
      return null;
    }
    if (this.handled.get(name)?.identity === identity(first)) return null;
    const stable = await waitUntilStable(file, {
      stableMs: this.options.stableMs ?? 50,
      checkMs: this.options.checkMs ?? 10,
      maxWaitMs: MAX_STABLE_WAIT_MS,
      cancelled: () => this.closed,
    });
    if (this.closed) return null;
    if (!stable) {
      this.handled.delete(name);
      return null;
    }
    if (this.handled.get(name)?.identity === identity(stable)) return null;
    const read = await readControlFile(file, this.options.maxBytes ?? MAX_CONTROL_FILE_BYTES);
    if (!read || this.closed) return null;
    this.handled.set(name, { identity: identity(stable), seq: ++this.handledSeq });
    return { kind, file: name, path: file, ...read };
  }

  /** Hands a signal to the handler; handlers run one at a time, in order. */
  private deliver(signal: ControlSignal): Promise<void> {
    const next = this.handlerChain.then(async () => {
      if (this.closed) return;
      try {
        await this.options.onSignal(signal);
      } catch (error) {
        this.options.logger.error({ err: error, signal: signal.kind }, 'a control handler failed');
      }
    });
    this.handlerChain = next;
    return next;
  }

  private track<T>(promise: Promise<T>, ownWaiting: boolean): Promise<T> {
    const sets = ownWaiting ? [this.waiting, this.busy] : [this.busy];
    for (const set of sets) set.add(promise);
    const forget = () => {
      for (const set of sets) set.delete(promise);
    };
    promise.then(forget, forget);
    return promise;
  }
}

/** Which version of a file this is: a re-created or rewritten file differs. */
function identity(stats: Stats): string {
  return `${stats.ino}:${stats.size}:${stats.mtimeMs}:${stats.birthtimeMs}`;
}
