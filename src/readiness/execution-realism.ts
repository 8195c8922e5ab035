import type { TradeRecord } from '../model/position.js';

/** How realistic the paper fills were lately (reference 002: "Execution realism: no significant drift"). */
export interface ExecutionRealism {
  /** Closed trades in the 14 market days up to the last one. */
  readonly trades: number;
  readonly zero_fee_trades: number;
  readonly zero_slippage_trades: number;
  /** Entry fills on their own signal candle: a look-ahead fill at that candle's close. */
  readonly same_candle_fills: number;
  /** (fees + slippage) ÷ entry notional × 10 000, over the last 7 market days of trades. */
  readonly cost_drag_bps_recent: number | null;
  /** The same over the 7 days before. */
  readonly cost_drag_bps_prior: number | null;
  readonly recent_trades: number;
  readonly prior_trades: number;
  /** One sentence per thing found wrong; empty when realistic. */
  readonly problems: readonly string[];
}

const DAY_MS = 86_400_000;
const WINDOW_DAYS = 7;
/** Fewer trades than this in either week and their cost drags are not compared. */
export const MIN_TRADES_TO_COMPARE = 5;
/** Recent cost drag beyond this ratio of the prior week's, either way, is drift. */
export const COST_DRIFT_RATIO = 1.5;

/**
 * Paper fills must pay fees and slippage, fill after the signal's candle (ADR 0002), and cost
 * about as much this week as last: costs that jump mean the slippage model broke, costs that
 * collapse mean realism was reduced (which hides drift). Windows end at the last trade's close,
 * in market time.
 */
export function measureExecutionRealism(trades: readonly TradeRecord[], sameCandleFills: number): ExecutionRealism {
  const last = trades.at(-1);
  const end = last ? Date.parse(last.closed_at) : 0;
  const closedWithin = (fromDaysAgo: number, toDaysAgo: number) =>
    trades.filter((t) => {
      const at = Date.parse(t.closed_at);
      return at > end - fromDaysAgo * DAY_MS && at <= end - toDaysAgo * DAY_MS;
    });
  const recent = closedWithin(WINDOW_DAYS, 0);
  const prior = closedWithin(2 * WINDOW_DAYS, WINDOW_DAYS);
  const window = [...prior, ...recent];
  const zeroFee = window.filter((t) => !(t.fees > 0)).length;
  const zeroSlippage = window.filter((t) => !(t.slippage > 0)).length;
  const recentDrag = costDragBps(recent);
  const priorDrag = costDragBps(prior);

  const problems: string[] = [];
  if (zeroFee > 0) problems.push(`${zeroFee} of ${window.length} recent trades paid no fee`);
  if (zeroSlippage > 0) problems.push(`${zeroSlippage} of ${window.length} recent trades had no slippage`);
  if (sameCandleFills > 0) problems.push(`${sameCandleFills} entry fill(s) on their own signal candle (filled at its close: look-ahead)`);
  if (recent.length >= MIN_TRADES_TO_COMPARE && prior.length >= MIN_TRADES_TO_COMPARE && recentDrag !== null && priorDrag !== null && priorDrag > 0) {
    const ratio = recentDrag / priorDrag;
    if (ratio > COST_DRIFT_RATIO || ratio < 1 / COST_DRIFT_RATIO) {
      problems.push(`cost drag ${recentDrag.toFixed(1)} bps over the last 7 days vs ${priorDrag.toFixed(1)} bps the 7 days before`);
    }
  }
  return {
    trades: window.length,
    zero_fee_trades: zeroFee,
    zero_slippage_trades: zeroSlippage,
    same_candle_fills: sameCandleFills,
    cost_drag_bps_recent: recentDrag,
    cost_drag_bps_prior: priorDrag,
    recent_trades: recent.length,
    prior_trades: prior.length,
    problems,
  };
}

function costDragBps(trades: readonly TradeRecord[]): number | null {
  const notional = trades.reduce((sum, t) => sum + t.entry * t.quantity, 0);
  if (!(notional > 0)) return null;
  const costs = trades.reduce((sum, t) => sum + t.fees + t.slippage, 0);
  return Math.round((costs / notional) * 10_000 * 100) / 100;
}
