import path from 'node:path';
import type { WallClock } from '../ports/clock.js';
import type { ControlEventRow } from '../ports/ledger.js';
import type { Logger } from '../ports/logger.js';
import { parseAdjustRisk } from './adjust-risk.js';
import type { AdjustRiskValues } from './adjust-risk.js';
import type { ControlActions } from './control-actions.js';
import { ControlKind, REJECTED_ADJUST_RISK_FILE } from './control-files.js';
import type { OneShotKind } from './control-files.js';
import { truncateContent } from './control-outcome.js';
import type { ControlOutcome } from './control-outcome.js';
import type { ControlSignal } from './control-signal.js';
import { removeWithRetry, renameWithRetry } from './file-ops.js';
import { sha256 } from './read-control-file.js';

export interface ControlServiceOptions {
  readonly actions: ControlActions;
  /** Persists one control event (the ledger's insertControlEvent). */
  readonly recordEvent: (row: ControlEventRow) => void;
  readonly logger: Logger;
  readonly clock: WallClock;
  /** risk.max_multiplier: the largest risk multiplier ADJUST_RISK may set. */
  readonly maxMultiplier: number;
  /** Asks for an immediate status.json write (a control result is a state change). */
  readonly changed: () => void;
}

/** One request, from a file or another transport. `path` null: no file to delete or rename. */
interface Request {
  readonly kind: OneShotKind;
  readonly file: string;
  readonly path: string | null;
  readonly content: string;
  readonly digest: string;
  readonly unreadable: string | null;
}

/**
 * The one place control requests are applied (SPEC §3): the control-file watcher, the CLI
 * helpers and the HTTP endpoint all come here. Requests run one at a time; every one that is
 * applied or rejected becomes a ledger row, a log line and status.json `.control`.
 */
export class ControlService {
  private last: { applied: ControlOutcome | null; rejected: ControlOutcome | null } = { applied: null, rejected: null };
  private paused = false;
  private pauseFiles: readonly string[] = [];
  /** Set once EMERGENCY_STOP or SHUTDOWN was acted on: the daemon is on its way out. */
  private ending: 'emergency_stop' | 'shutdown' | null = null;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: ControlServiceOptions) {}

  get lastApplied(): ControlOutcome | null {
    return this.last.applied;
  }

  get lastRejected(): ControlOutcome | null {
    return this.last.rejected;
  }

  /** status.json `.control`. */
  statusView(): { last_applied: ControlOutcome | null; last_rejected: ControlOutcome | null } {
    return { last_applied: this.last.applied, last_rejected: this.last.rejected };
  }

  /** The file transport: give it every ControlWatcher signal. */
  handle(signal: ControlSignal): Promise<void> {
    if (signal.kind === ControlKind.PAUSE) {
      const name = signal.files.join(', ') || this.pauseFiles.join(', ') || 'PAUSE';
      if (signal.present) this.pauseFiles = signal.files;
      return this.serially(async () => void this.applyPause(signal.present, name));
    }
    const { kind, file, path: filePath, content, digest, unreadable } = signal;
    return this.serially(async () => void (await this.apply({ kind, file, path: filePath, content, digest, unreadable })));
  }

  /**
   * Other transports (CLI helpers, HTTP): the same effects without a file to delete or rename.
   * `source` names the requester in the ledger, the log and status.json (e.g. `http`).
   * Null when the daemon is already stopping and the request was left alone.
   */
  request(kind: OneShotKind, content: string, source: string): Promise<ControlOutcome | null> {
    return this.serially(() => this.apply({ kind, file: source, path: null, content, digest: sha256(content), unreadable: null }));
  }

  /** Pause or resume from another transport. Null when nothing changed. */
  setPaused(paused: boolean, source: string): Promise<ControlOutcome | null> {
    return this.serially(async () => this.applyPause(paused, source));
  }

  private applyPause(paused: boolean, file: string): ControlOutcome | null {
    this.options.actions.setPaused(paused);
    if (paused === this.paused) return null;
    this.paused = paused;
    const reason = paused ? `paused: ${file} present, so no new entries; open positions are still managed` : `resumed: ${file} no longer present`;
    return this.finish({ file, content: '', digest: sha256('') }, 'applied', reason);
  }

  private async apply(request: Request): Promise<ControlOutcome | null> {
    if (this.ending) {
      this.options.logger.info({ file: request.file, digest: request.digest }, `control file ${request.file} left alone: the daemon is stopping (${this.ending})`);
      return null;
    }
    switch (request.kind) {
      case ControlKind.EMERGENCY_STOP:
        return this.emergencyStop(request);
      case ControlKind.FLATTEN:
        return this.flatten(request);
      case ControlKind.ADJUST_RISK:
        return this.adjustRisk(request);
      case ControlKind.SHUTDOWN:
        return this.shutdown(request);
    }
  }

  private emergencyStop(request: Request): ControlOutcome {
    this.ending = 'emergency_stop';
    // Recorded first: the action ends the process. The latch file stays on purpose.
    const outcome = this.finish(request, 'applied', `emergency stop: closing every position and exiting with code 4; ${request.file} stays, and no start is possible until it is removed`);
    try {
      this.options.actions.emergencyStop();
    } catch (error) {
      this.options.logger.fatal({ err: error }, 'the emergency stop action failed');
    }
    return outcome;
  }

  private async flatten(request: Request): Promise<ControlOutcome> {
    try {
      await this.options.actions.flatten();
    } catch (error) {
      return this.finish(request, 'rejected', `flatten failed: ${message(error)}; ${request.file} was left in place`);
    }
    const kept = await this.remove(request);
    return this.finish(request, 'applied', `flattened: every position closed at market, trading continues${kept}`);
  }

  private async adjustRisk(request: Request): Promise<ControlOutcome> {
    const parsed = request.unreadable
      ? { ok: false as const, reason: `${request.file} ${request.unreadable}` }
      : parseAdjustRisk(request.content, this.options.maxMultiplier);
    if (!parsed.ok) return this.rejectAdjustRisk(request, parsed.reason);
    try {
      await this.options.actions.adjustRisk(parsed.values);
    } catch (error) {
      return this.rejectAdjustRisk(request, `${describe(parsed.values)} could not be applied (${message(error)}); nothing changed`);
    }
    const kept = await this.remove(request);
    return this.finish(request, 'applied', `applied ${describe(parsed.values)}${kept}`);
  }

  private async rejectAdjustRisk(request: Request, reason: string): Promise<ControlOutcome> {
    if (request.path === null) return this.finish(request, 'rejected', reason);
    const target = path.join(path.dirname(request.path), REJECTED_ADJUST_RISK_FILE);
    try {
      await renameWithRetry(request.path, target);
    } catch (error) {
      this.options.logger.error({ err: error, file: request.path }, `could not rename ${request.file} to ${REJECTED_ADJUST_RISK_FILE}`);
      return this.finish(request, 'rejected', `${reason} (and it could not be renamed to ${REJECTED_ADJUST_RISK_FILE}: ${message(error)})`);
    }
    return this.finish(request, 'rejected', reason);
  }

  private async shutdown(request: Request): Promise<ControlOutcome> {
    this.ending = 'shutdown';
    const kept = await this.remove(request);
    const outcome = this.finish(request, 'applied', `graceful shutdown: positions are kept and restored at the next start${kept}`);
    try {
      this.options.actions.shutdown();
    } catch (error) {
      this.options.logger.error({ err: error }, 'the shutdown action failed');
    }
    return outcome;
  }

  /** Deletes a handled one-shot file; '' when done (or no file), else a note for the reason. */
  private async remove(request: Request): Promise<string> {
    if (request.path === null) return '';
    try {
      await removeWithRetry(request.path);
      return '';
    } catch (error) {
      this.options.logger.error({ err: error, file: request.path }, `could not delete ${request.file}; delete it by hand`);
      return `; ${request.file} could not be deleted (${message(error)}), delete it by hand`;
    }
  }

  private finish(request: Pick<Request, 'file' | 'content' | 'digest'>, result: ControlOutcome['result'], reason: string): ControlOutcome {
    const { logger, clock, recordEvent, changed } = this.options;
    const outcome: ControlOutcome = { file: request.file, at: new Date(clock.now()).toISOString(), content: truncateContent(request.content), result, reason };
    try {
      recordEvent({ ...outcome, digest: request.digest });
    } catch (error) {
      logger.error({ err: error, control: outcome }, 'could not record a control event in the ledger');
    }
    const line = { control: { file: outcome.file, digest: request.digest, result, reason, content: outcome.content } };
    if (result === 'applied') logger.info(line, `control ${outcome.file} applied: ${reason}`);
    else logger.warn(line, `control ${outcome.file} rejected: ${reason}`);
    this.last = result === 'applied' ? { ...this.last, applied: outcome } : { ...this.last, rejected: outcome };
    changed();
    return outcome;
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.chain.then(work, work);
    this.chain = run.catch(() => undefined);
    return run;
  }
}

function describe(values: AdjustRiskValues): string {
  return Object.entries(values)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(', ');
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
