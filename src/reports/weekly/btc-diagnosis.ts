import { TURNOVER_REASONS } from '../../model/reason-codes.js';
import { countBy, mean, ratio, round6 } from '../daily/tally.js';
import { costBreakdown } from './cost-decomposition.js';
import { edgeOf, isShadowRole, type EdgeStats } from './edge-stats.js';
import type { WeekData } from './week-data.js';

/**
 * Reference 002's BTC turnover question: BTC's edge collapsed under realistic friction, so
 * it is throttled harder. Is the throttle working (how often it blocks, how often BTC still
 * enters), and does what gets through earn more than it costs?
 */
export interface BtcDiagnosis {
  readonly symbols: readonly string[];
  readonly entry_signals: number;
  readonly executed_entries: number;
  readonly rejected: number;
  /** By the deciding (first) reason. */
  readonly rejection_reasons: Readonly<Record<string, number>>;
  readonly turnover_blocked: number;
  readonly turnover_block_rate: number | null;
  /** Executed entries ÷ days of the week with any signal. */
  readonly entries_per_day: number | null;
  readonly max_entries_in_a_day: number;
  readonly trades: number;
  readonly win_rate: number | null;
  readonly net_pnl: number | null;
  readonly edge_before_costs_pct: number | null;
  readonly realized_cost_pct: number | null;
  /** Edge before costs ÷ realised cost, per trade; below 1 costs eat the edge. */
  readonly edge_to_cost_ratio: number | null;
  readonly mean_expected_value_pct: number | null;
  readonly mean_cost_estimate_pct: number | null;
  readonly net_return_pct_per_trade: number | null;
  /** The same for every other symbol: the baseline the runbook compares BTC with. */
  readonly other_symbols_net_return_pct_per_trade: number | null;
  readonly shadow: EdgeStats;
  /** no_edge_before_costs | costs_exceed_edge | edge_survives_costs | over_throttled | no_entries; null without BTC data. */
  readonly primary_cause: string | null;
  readonly findings: readonly string[];
  /** The same figures of the week before, for the trend the promotion gate asks for. */
  readonly prior_week: { readonly trades: number; readonly net_return_pct_per_trade: number | null; readonly edge_to_cost_ratio: number | null; readonly turnover_block_rate: number | null; readonly entries_per_day: number | null };
  /** BTC's net return per trade is better than the week before; null unless both weeks have BTC trades. */
  readonly improving: boolean | null;
  readonly note: string | null;
}

/** Reference 002's BTC rule: at most 3 decisions a day. */
export const BTC_MAX_ENTRIES_PER_DAY = 3;
const isBtc = (symbol: string) => /^BTC[/-]/i.test(symbol);

export function btcDiagnosis(w: WeekData, prior: WeekData): BtcDiagnosis {
  const now = diagnose(w);
  const before = diagnose(prior);
  const improving = now.trades > 0 && before.trades > 0 && now.net_return_pct_per_trade !== null && before.net_return_pct_per_trade !== null ? now.net_return_pct_per_trade > before.net_return_pct_per_trade : null;
  return {
    ...now,
    prior_week: {
      trades: before.trades,
      net_return_pct_per_trade: before.net_return_pct_per_trade,
      edge_to_cost_ratio: before.edge_to_cost_ratio,
      turnover_block_rate: before.turnover_block_rate,
      entries_per_day: before.entries_per_day,
    },
    improving,
    note: now.note,
  };
}

function diagnose(w: WeekData): Omit<BtcDiagnosis, 'prior_week' | 'improving'> {
  const entrySignals = w.signals.filter((s) => isBtc(s.symbol) && s.direction !== 'exit');
  const executed = entrySignals.filter((s) => s.executed);
  const rejected = entrySignals.filter((s) => !s.executed);
  const turnover = rejected.filter((s) => TURNOVER_REASONS.has(s.reasons[0] ?? '')).length;
  const activeDays = new Set(w.signals.map((s) => dayOf(s.market_time))).size;
  const perDay = countBy(executed, (s) => dayOf(s.market_time));
  const trades = w.trades.filter((t) => isBtc(t.symbol));
  const others = w.trades.filter((t) => !isBtc(t.symbol));
  const costs = costBreakdown(trades);
  const shadow = edgeOf(w.entries, w.evaluated, (d) => isBtc(d.symbol) && isShadowRole(d));
  const symbols = [...new Set([...entrySignals.map((s) => s.symbol), ...trades.map((t) => t.symbol), ...w.decisions.filter((d) => isBtc(d.symbol)).map((d) => d.symbol)])].sort();
  const edgeToCost = costs.edge_before_costs_pct !== null && costs.realized_cost_pct !== null ? ratio(costs.edge_before_costs_pct, costs.realized_cost_pct) : null;
  const entriesPerDay = activeDays > 0 ? executed.length / activeDays : null;
  const maxInDay = Math.max(0, ...Object.values(perDay));
  const turnoverRate = entrySignals.length > 0 ? turnover / entrySignals.length : null;

  const cause = primaryCause(trades.length, entrySignals.length, costs.edge_before_costs_pct, costs.net_pnl, turnoverRate);
  const findings: string[] = [];
  if (maxInDay > BTC_MAX_ENTRIES_PER_DAY) findings.push(`BTC entered ${maxInDay} times in one day, above the runbook's ${BTC_MAX_ENTRIES_PER_DAY} a day`);
  if (edgeToCost !== null && edgeToCost < 2) findings.push(`Edge before costs is ${edgeToCost.toFixed(2)}× the realised cost; the BTC rule wants an expected value of at least 2× cost`);
  if (turnoverRate !== null && turnoverRate > 0.7) findings.push(`The turnover rules blocked ${(turnoverRate * 100).toFixed(0)}% of BTC entry signals`);
  const btcNet = mean(trades.map((t) => t.return_pct));
  const otherNet = mean(others.map((t) => t.return_pct));
  if (btcNet !== null && otherNet !== null && btcNet < otherNet) findings.push(`BTC returned ${btcNet.toFixed(3)}% per trade against ${otherNet.toFixed(3)}% on the other symbols`);

  return {
    symbols,
    entry_signals: entrySignals.length,
    executed_entries: executed.length,
    rejected: rejected.length,
    rejection_reasons: countBy(rejected, (s) => s.reasons[0] ?? 'unknown'),
    turnover_blocked: turnover,
    turnover_block_rate: turnoverRate === null ? null : round6(turnoverRate),
    entries_per_day: entriesPerDay === null ? null : round6(entriesPerDay),
    max_entries_in_a_day: maxInDay,
    trades: trades.length,
    win_rate: trades.length > 0 ? round6(trades.filter((t) => t.net_pnl > 0).length / trades.length) : null,
    net_pnl: trades.length > 0 ? costs.net_pnl : null,
    edge_before_costs_pct: costs.edge_before_costs_pct,
    realized_cost_pct: costs.realized_cost_pct,
    edge_to_cost_ratio: edgeToCost === null ? null : round6(edgeToCost),
    mean_expected_value_pct: nullable(mean(entrySignals.flatMap((s) => (s.expected_value_pct === null ? [] : [s.expected_value_pct])))),
    mean_cost_estimate_pct: nullable(mean(entrySignals.flatMap((s) => (s.cost_estimate_pct === null ? [] : [s.cost_estimate_pct])))),
    net_return_pct_per_trade: nullable(btcNet),
    other_symbols_net_return_pct_per_trade: nullable(otherNet),
    shadow,
    primary_cause: cause,
    findings,
    note: cause === null ? 'no data: the champion had no BTC signal or trade in this week' : null,
  };
}

function primaryCause(trades: number, signals: number, edgePct: number | null, netPnl: number, turnoverRate: number | null): string | null {
  if (trades > 0) {
    if (edgePct === null || edgePct <= 0) return 'no_edge_before_costs';
    return netPnl <= 0 ? 'costs_exceed_edge' : 'edge_survives_costs';
  }
  if (signals === 0) return null;
  return turnoverRate !== null && turnoverRate > 0.7 ? 'over_throttled' : 'no_entries';
}

function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function nullable(x: number | null): number | null {
  return x === null ? null : round6(x);
}
