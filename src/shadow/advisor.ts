import type { TrailingSpec } from '../model/signal.js';
import type { DecisionAction, DecisionRole } from './decision-lines.js';
import type { Weights } from './weight-clamp.js';

/** A decision of this batch as advisors see it: plain data. */
export interface DecisionView {
  readonly id: string;
  readonly role: DecisionRole;
  readonly strategy: string;
  readonly symbol: string;
  readonly action: DecisionAction;
  readonly market_time: number;
  readonly price: number;
  readonly confidence: number;
  readonly score: number;
  readonly threshold: number;
  readonly expected_value_pct: number;
  readonly cost_estimate_pct: number;
  readonly stop: number | null;
  readonly target: number | null;
  readonly trailing: Readonly<TrailingSpec> | null;
  readonly gate: { readonly allowed: boolean; readonly reasons: readonly string[] };
  readonly executed: boolean;
}

export interface PositionView {
  readonly symbol: string;
  readonly strategy: string;
  readonly quantity: number;
  readonly entry: number;
  readonly mark: number;
  readonly opened_at: number;
}

/** A shadow book's results as advisors see them: plain data, never the book. */
export interface BookView {
  readonly name: string;
  readonly role: DecisionRole;
  readonly equity: number;
  readonly cash: number;
  readonly trades: number;
  readonly net_pnl: number;
  readonly positions: readonly PositionView[];
  /** Symbols with an order waiting for its fill. */
  readonly pending_symbols: readonly string[];
  /** Completed UTC market days, oldest first, return in percent. */
  readonly daily_returns: ReadonlyArray<{ readonly day: string; readonly return_pct: number }>;
}

/**
 * Everything an advisor may know, deep-frozen: a snapshot, not a handle. Nothing in it can
 * place, change or cancel anything.
 */
export interface AdvisorSnapshot {
  readonly market_time: number;
  readonly day: string;
  /** This batch's decisions of the champion and the challengers. */
  readonly decisions: readonly DecisionView[];
  readonly books: readonly BookView[];
  /** The strategy weights in force and those the day opened with (the clamp's reference). */
  readonly weights: Weights;
  readonly day_open_weights: Weights;
  readonly max_daily_shift: number;
}

/** What an advisor would do on one symbol. It becomes a decision line and a trade of the advisor's own shadow book, never an order. */
export interface Recommendation {
  readonly symbol: string;
  readonly action: DecisionAction;
  readonly confidence: number;
  readonly score: number;
  readonly threshold: number;
  readonly price: number;
  readonly expected_value_pct: number;
  readonly cost_estimate_pct: number;
  readonly reason: string;
  /** Market time (ms) of the candle the recommendation is about. */
  readonly market_time: number;
  /** The strategy whose decision it follows; positions in the advisor's book are booked under it. */
  readonly follows: string;
  readonly stop?: number;
  readonly target?: number | null;
  readonly trailing?: Readonly<TrailingSpec> | null;
}

/** An advisor's answer: data only. Weights are proposals, clamped by the runner. */
export interface Advice {
  readonly weights?: Weights;
  readonly recommendations?: readonly Recommendation[];
}

/**
 * An advisor (reference 002: "RL has NO execution authority"): it reads a frozen snapshot and
 * returns recommendations. By type it holds no book, broker, gate or store, and nothing it
 * returns is an order: the runner logs it, tries it in the advisor's own shadow book and
 * passes weight proposals through the 10 %-a-day clamp.
 */
export interface Advisor {
  readonly id: string;
  advise(snapshot: AdvisorSnapshot): Advice;
}
