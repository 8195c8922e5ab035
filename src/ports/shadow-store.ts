import type { PendingOrder, Position, TradeRecord } from '../model/position.js';

/** Everything a shadow book needs to resume exactly where it stopped. */
export interface ShadowBookState {
  readonly balance: number;
  /** Order counter: ids are `ord-00000001`, … per book, as the paper broker numbers them. */
  readonly seq: number;
  readonly positions: readonly Position[];
  readonly pending: readonly PendingOrder[];
  /** The UTC market day the book is in and its equity when that day began. */
  readonly day: { readonly day: string; readonly startEquity: number } | null;
}

/** One completed UTC market day of a shadow book. */
export interface ShadowDailyEquity {
  readonly day: string;
  readonly startEquity: number;
  readonly endEquity: number;
}

/** A decision waiting for the candle that closes one of its horizons. */
export interface PendingOutcome {
  readonly decisionId: string;
  readonly symbol: string;
  readonly action: 'long' | 'exit';
  /** The decision's reference price (the close of its candle). */
  readonly price: number;
  /** Horizon as written in the outcome line (`1h`, `4h`, `24h`). */
  readonly horizon: string;
  /** Market time (ms, candle open) from which a candle of the symbol resolves it. */
  readonly dueAt: number;
  /** The costs in force when the decision was taken, so a config change cannot rewrite old outcomes. */
  readonly takerFee: number;
  readonly slippageBps: number;
}

/** Session-independent shadow counters. */
export interface ShadowCounters {
  readonly decisionsTotal: number;
  /** Wall time (ISO) of the last decision line written, in any session. */
  readonly lastDecisionAt: string | null;
}

/**
 * Where shadow collection keeps what must survive a restart: the books of challengers and
 * advisors, their closed trades and daily equity, decisions still waiting for an outcome and
 * the counters. Every method but `transaction` is one statement; callers group them.
 */
export interface ShadowStore {
  transaction<T>(fn: () => T): T;
  loadBook(book: string): ShadowBookState | undefined;
  saveBook(book: string, state: ShadowBookState): void;
  insertTrade(book: string, trade: TradeRecord): void;
  /** The book's closed trades in close order. */
  trades(book: string): TradeRecord[];
  recordDailyEquity(book: string, row: ShadowDailyEquity): void;
  /** The book's completed days, oldest first; at most the last `limit`. */
  dailyEquity(book: string, limit?: number): ShadowDailyEquity[];
  insertPendingOutcome(outcome: PendingOutcome): void;
  deletePendingOutcome(decisionId: string, horizon: string): void;
  pendingOutcomes(): PendingOutcome[];
  loadCounters(): ShadowCounters;
  saveCounters(counters: ShadowCounters): void;
  /** Market time (ms) of the last batch whose effects are stored; null before any. */
  loadMarketTime(): number | null;
  saveMarketTime(ts: number): void;
}
