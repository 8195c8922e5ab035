import type { TradeRecord } from '../model/position.js';

/**
 * Capital preservation's state as stored: the level and the counters its recovery rules need.
 * Times are market time (ms). `level` is one of risk/capital-preservation's levels.
 */
export interface StoredPreservationState {
  readonly level: string;
  /** Market time the level was entered; null while it has never left NORMAL. */
  readonly level_since: number | null;
  /** Highest equity since the start or the last de-escalation; null before the first observation. */
  readonly peak_equity: number | null;
  /** Losses of the current streak already answered by a de-escalation (the streak is measured above it). */
  readonly streak_base: number;
  /** UTC midnight (market time) of the day being accounted; null before the first observation. */
  readonly day_start: number | null;
  /** Every observation of that day met the recovery criteria so far. */
  readonly day_calm: boolean;
  /** The loss streak when that day began. */
  readonly day_start_streak: number;
  /** The loss streak at the last observation. */
  readonly loss_streak: number;
  /** Whole market days in a row, at this level, that met the recovery criteria. */
  readonly calm_days: number;
  /** Market time of the last observation. */
  readonly market_time: number | null;
}

/** One level change, with what was measured when it happened. */
export interface StoredPreservationTransition {
  /** Market time (ms). */
  readonly at: number;
  readonly from: string;
  readonly to: string;
  readonly trigger: string;
  /** One sentence: which measure crossed which threshold, or which recovery criteria held. */
  readonly reason: string;
  readonly equity: number;
  readonly peak_equity: number;
  readonly drawdown_pct: number;
  readonly daily_loss_pct: number;
  readonly loss_streak: number;
}

/** The durable side of capital preservation: the current state and every transition. */
export interface PreservationStore {
  loadPreservation(): { state: StoredPreservationState; transitions: StoredPreservationTransition[] } | undefined;
  /** Saves the state, and the transition that produced it when there is one, in one transaction. */
  savePreservation(state: StoredPreservationState, transition: StoredPreservationTransition | null): void;
}

/** A recorded human approval of the live rollout (`paperlive production --sign-off NAME`). */
export interface SignOffRecord {
  readonly name: string;
  /** ISO wall time. */
  readonly at: string;
}

/** What readiness reads from a ledger, read-only and harmless when the ledger does not exist yet. */
export interface SafetyLedgerView {
  /** Closed trades, oldest first. */
  readonly trades: readonly TradeRecord[];
  /** Entry fills at or before the time of their order: filled on the signal candle itself (look-ahead). */
  readonly sameCandleFills: number;
  /** Market days the engine has traded through (finished days and the day in progress), sorted. */
  readonly marketDays: readonly string[];
  readonly signOffs: readonly SignOffRecord[];
  readonly preservation: { state: StoredPreservationState; transitions: StoredPreservationTransition[] } | undefined;
  /** Ledger settings whose key starts with `prefix`, parsed, by key. */
  settingsWithPrefix(prefix: string): ReadonlyMap<string, unknown>;
}
