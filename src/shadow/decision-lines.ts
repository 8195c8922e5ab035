/** Who took a decision: only the champion's can become orders (SPEC §7). */
export const DecisionRole = {
  CHAMPION: 'champion',
  CHALLENGER: 'challenger',
  ADVISOR: 'advisor',
} as const;
export type DecisionRole = (typeof DecisionRole)[keyof typeof DecisionRole];

/** A decision's action: the normalised signal's direction (`long` entry or `exit`). */
export type DecisionAction = 'long' | 'exit';

/** One `"type":"decision"` line of data/rl/shadow_decisions.jsonl, keys in SPEC §7 order. */
export interface DecisionLine {
  readonly type: 'decision';
  readonly id: string;
  /** Wall time the line was written (ISO). */
  readonly ts: string;
  /** Market time (ISO) of the candle the decision was taken on. */
  readonly market_time: string;
  readonly symbol: string;
  readonly strategy: string;
  readonly role: DecisionRole;
  readonly action: DecisionAction;
  readonly confidence: number;
  readonly score: number;
  readonly threshold: number;
  /** Reference price: the close of that candle. */
  readonly price: number;
  readonly regime: string;
  readonly expected_value_pct: number;
  readonly cost_estimate_pct: number;
  /** The TradeGate's verdict; for challengers and advisors, on their own shadow book. */
  readonly gate: { readonly allowed: boolean; readonly reasons: readonly string[] };
  /** True only for a champion decision the paper broker accepted. */
  readonly executed: boolean;
}

/** One `"type":"outcome"` line: what the market did over `horizon` after a decision. */
export interface OutcomeLine {
  readonly type: 'outcome';
  readonly decision_id: string;
  readonly horizon: string;
  /** Close of the candle that ends the horizon. */
  readonly price: number;
  /** Market move from the decision's price, in percent, before costs. */
  readonly return_pct: number;
  /** Net result of taking the decision with one unit of quote notional (see `outcome-math.ts`). */
  readonly pnl_if_taken: number;
}

export type ShadowLine = DecisionLine | OutcomeLine;

/**
 * Deterministic, so that a batch replayed after a crash writes the same id again and a reader
 * keeps the first line per id: role, strategy, symbol, candle time (ms) and action.
 */
export function decisionId(role: DecisionRole, strategy: string, symbol: string, marketTime: number, action: DecisionAction): string {
  return `${role}:${strategy}:${symbol}:${marketTime}:${action}`;
}

/** `3_600_000` → `1h`, `5_400_000` → `90m`, `86_400_000` → `24h`: hours when whole, else minutes, else seconds. */
export function horizonLabel(ms: number): string {
  if (!(ms > 0) || !Number.isFinite(ms)) throw new RangeError(`an outcome horizon must be a positive number of ms, got ${ms}`);
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}
