/**
 * The production loop's durable state (champion, challengers, daily returns, drift-day counters,
 * promotions, re-evolution requests, cached expectations), kept in the ledger's SQLite file so
 * the CLI and the running daemon share one truth. Strategy ids may carry parameters
 * (`ema_trend@fast=9,slow=30`, see monitoring/production/strategy-spec.ts).
 */

export interface ChallengerEntry {
  readonly id: string;
  /** Wall time it was added (ISO); its paper evaluation counts returns from this UTC day on. */
  readonly started_at: string;
  /** Who added it: `operator:<name>`, `reevolution`, `demoted_champion`, `seed`. */
  readonly added_by: string;
  readonly reason: string;
}

export interface ProductionState {
  /** Bumped by every change of champion, challengers or re-evolution requests: poll it cheaply. */
  readonly version: number;
  /** null until the state is seeded (first production command or daemon start). */
  readonly champion: string | null;
  readonly champion_since: string | null;
  readonly challengers: readonly ChallengerEntry[];
  readonly reevolution_requested: boolean;
}

export const ReturnSource = {
  /** The champion's paper account (end-of-day equity). */
  PAPER: 'paper',
  /** A challenger's shadow book. */
  SHADOW: 'shadow',
  /** `paperlive monitor --log`. */
  MANUAL: 'manual',
} as const;

export interface DailyReturnRow {
  /** UTC day, YYYY-MM-DD. */
  readonly date: string;
  readonly strategy: string;
  /** Percent: 1.5 = +1.5 %. */
  readonly return_pct: number;
  readonly source: string;
}

/**
 * Consecutive drift days of one strategy, counted once per logged day. `previous` is the count
 * before `counted_through` was counted, so that re-logging that same day recounts it instead of
 * counting it twice.
 */
export interface DriftDayCounter {
  readonly consecutive: number;
  readonly total: number;
  readonly counted_through: string;
  readonly last_drift_type: string;
  readonly previous: { readonly consecutive: number; readonly total: number };
}

export const PromotionKind = {
  SEED: 'seed',
  SET_CHAMPION: 'set_champion',
  PROMOTE: 'promote',
  EMERGENCY: 'emergency',
} as const;
export type PromotionKind = (typeof PromotionKind)[keyof typeof PromotionKind];

export interface PromotionRow {
  readonly at: string;
  readonly kind: PromotionKind;
  readonly from: string | null;
  readonly to: string;
  /** Who: `operator:<name>`, `emergency_auto`, `seed`. */
  readonly reviewer: string;
  readonly reason: string;
}

export interface ReevolutionRequest {
  readonly id: number;
  readonly requested_at: string;
  /** `drift`, `operator`, `schedule`. */
  readonly source: string;
  readonly reason: string;
  readonly status: 'open' | 'done' | 'failed';
  readonly resolved_at: string | null;
  readonly result: string | null;
}

/** Percent; max_drawdown a positive magnitude. null: not measurable (e.g. no trades). */
export interface ExpectedMetricsValues {
  readonly sharpe: number | null;
  readonly ann_return: number | null;
  readonly max_drawdown: number | null;
  readonly ann_volatility: number | null;
}

export interface StoredExpectedMetrics {
  readonly strategy: string;
  /** `backtest` (cache, valid while `fingerprint` matches) or `reevolution` (out-of-sample, at registration). */
  readonly source: string;
  readonly fingerprint: string;
  readonly metrics: ExpectedMetricsValues;
  readonly computed_at: string;
}

/** Each write is short; `transaction` groups the writes of one decision (a promotion). */
export interface ProductionStore {
  transaction<T>(fn: () => T): T;
  readState(): ProductionState;
  readVersion(): number;
  setChampion(id: string, at: string): void;
  addChallenger(entry: ChallengerEntry): void;
  removeChallenger(id: string): void;
  recordPromotion(row: PromotionRow): void;
  promotions(limit: number): PromotionRow[];
  upsertDailyReturn(row: DailyReturnRow, recordedAt: string): void;
  /** Ordered by date. */
  dailyReturns(strategy: string): DailyReturnRow[];
  driftCounter(strategy: string): DriftDayCounter | null;
  saveDriftCounter(strategy: string, counter: DriftDayCounter, at: string): void;
  reevolutionRequests(status?: ReevolutionRequest['status']): ReevolutionRequest[];
  requestReevolution(source: string, reason: string, at: string): number;
  resolveReevolutionRequests(status: 'done' | 'failed', result: string, at: string): number;
  expectedMetrics(strategy: string, source: string): StoredExpectedMetrics | null;
  saveExpectedMetrics(row: StoredExpectedMetrics): void;
}
