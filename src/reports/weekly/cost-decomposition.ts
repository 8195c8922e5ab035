import type { TradeRecord } from '../../model/position.js';
import { groupBy, mean, round6, roundCash, sum } from '../daily/tally.js';
import type { WeekData } from './week-data.js';

/**
 * Where the champion's paper PnL went. A trade's entry and exit prices already include
 * slippage, so gross_pnl is after slippage and before fees: the edge before any cost is
 * gross_pnl + slippage, then slippage and fees come off to give net_pnl.
 */
export interface CostBreakdown {
  readonly trades: number;
  /** Σ entry × quantity. */
  readonly notional: number;
  readonly pnl_before_costs: number;
  readonly slippage: number;
  readonly fees: number;
  readonly total_costs: number;
  readonly gross_pnl: number;
  readonly net_pnl: number;
  /** Costs as a percentage of the edge before costs; null when that edge is 0 or negative (costs then exceed any edge). */
  readonly cost_pct_of_pnl_before_costs: number | null;
  readonly cost_bps_of_notional: number | null;
  /** Mean of (fees + slippage) ÷ entry notional per trade, percent: comparable to a signal's cost_estimate_pct. */
  readonly realized_cost_pct: number | null;
  /** Mean of (gross + slippage) ÷ entry notional per trade, percent: the edge the signals found. */
  readonly edge_before_costs_pct: number | null;
}

export interface CostDecomposition extends CostBreakdown {
  /** The runbook's check: costs below 50 % of the PnL before costs. */
  readonly cost_under_half_of_pnl: boolean | null;
  /** Mean cost_estimate_pct of the week's executed entry signals: what the gate assumed. */
  readonly estimated_cost_pct: number | null;
  readonly by_symbol: Readonly<Record<string, CostBreakdown>>;
  readonly note: string | null;
}

export function costBreakdown(trades: readonly TradeRecord[]): CostBreakdown {
  const notional = sum(trades.map((t) => t.entry * t.quantity));
  const fees = sum(trades.map((t) => t.fees));
  const slippage = sum(trades.map((t) => t.slippage));
  const gross = sum(trades.map((t) => t.gross_pnl));
  const before = gross + slippage;
  const costs = fees + slippage;
  const perTrade = (f: (t: TradeRecord) => number) => {
    const m = mean(trades.filter((t) => t.entry * t.quantity > 0).map((t) => (f(t) / (t.entry * t.quantity)) * 100));
    return m === null ? null : round6(m);
  };
  return {
    trades: trades.length,
    notional: roundCash(notional),
    pnl_before_costs: roundCash(before),
    slippage: roundCash(slippage),
    fees: roundCash(fees),
    total_costs: roundCash(costs),
    gross_pnl: roundCash(gross),
    net_pnl: roundCash(sum(trades.map((t) => t.net_pnl))),
    cost_pct_of_pnl_before_costs: before > 0 ? round6((costs / before) * 100) : null,
    cost_bps_of_notional: notional > 0 ? round6((costs / notional) * 10_000) : null,
    realized_cost_pct: perTrade((t) => t.fees + t.slippage),
    edge_before_costs_pct: perTrade((t) => t.gross_pnl + t.slippage),
  };
}

export function costDecomposition(w: WeekData): CostDecomposition {
  const all = costBreakdown(w.trades);
  const estimates = w.signals.filter((s) => s.executed && s.direction !== 'exit' && s.cost_estimate_pct !== null).map((s) => s.cost_estimate_pct ?? 0);
  const estimated = mean(estimates);
  let note: string | null = null;
  if (w.trades.length === 0) note = 'no data: no trade closed in this week';
  else if (all.pnl_before_costs <= 0) note = 'the trades had no edge before costs, so costs cannot be a share of it';
  return {
    ...all,
    cost_under_half_of_pnl: all.cost_pct_of_pnl_before_costs === null ? (w.trades.length > 0 ? false : null) : all.cost_pct_of_pnl_before_costs < 50,
    estimated_cost_pct: estimated === null ? null : round6(estimated),
    by_symbol: Object.fromEntries(groupBy(w.trades, (t) => t.symbol).map(([symbol, trades]) => [symbol, costBreakdown(trades)])),
    note,
  };
}
