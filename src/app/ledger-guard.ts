import type { ControlFlags } from '../engine/engine.js';
import { isStorageUnavailable } from '../persistence/storage-errors.js';
import type { Logger } from '../ports/logger.js';

/**
 * Runs ledger work so that a ledger which refuses writes (locked by another process, disk full)
 * halts trading instead of crashing the daemon, and trading resumes once a real write succeeds.
 * Nothing in memory changes before a commit, so the next candle simply tries again.
 */
export class LedgerGuard {
  constructor(
    private readonly flags: ControlFlags,
    private readonly probe: () => void,
    private readonly log: Logger,
    private readonly onFailure: (message: string, error: unknown) => void,
    private readonly changed: () => void,
    private readonly ledgerFile: string,
  ) {}

  /** True when `work` ran to the end. Errors other than storage errors propagate (crash). */
  run(work: () => void): boolean {
    try {
      work();
      if (this.flags.persistenceFailure) this.recover();
      return true;
    } catch (error) {
      if (!isStorageUnavailable(error)) throw error;
      if (!this.flags.persistenceFailure) {
        this.flags.persistenceFailure = true;
        this.onFailure(`the ledger ${this.ledgerFile} refused a write (${(error as Error).message}); trading is halted until it accepts writes again`, error);
        this.changed();
      }
      return false;
    }
  }

  private recover(): void {
    this.probe(); // a real write: only that proves the ledger is back
    this.flags.persistenceFailure = false;
    this.log.warn('the ledger accepts writes again; trading resumes');
    this.changed();
  }
}
