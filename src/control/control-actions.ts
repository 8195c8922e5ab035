import type { AdjustRiskValues } from './adjust-risk.js';

/**
 * What the daemon does for a control request. ControlService decides when; these do it.
 * A method that throws (or rejects) has changed nothing, so the request is recorded as rejected.
 */
export interface ControlActions {
  /** Blocks or allows new entries; open positions keep being managed either way. Idempotent. */
  setPaused(paused: boolean): void;
  /** Closes every position at market and keeps running. */
  flatten(): void | Promise<void>;
  /**
   * Closes everything, records it, writes the final status and exits with code 4.
   * Called at most once; not awaited, since it may end the process.
   */
  emergencyStop(): void;
  /** Applies the given values at once and persists them (they survive a restart); all or none. */
  adjustRisk(values: AdjustRiskValues): void | Promise<void>;
  /** Graceful stop, positions kept (restored at the next start), exit 0. Not awaited. */
  shutdown(): void;
}
