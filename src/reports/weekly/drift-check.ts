import { perObservationSharpe, ratio, round6, roundCash, sum } from '../daily/tally.js';
import { costBreakdown } from './cost-decomposition.js';
import { edgeOf, isShadowRole } from './edge-stats.js';
import type { WeekData } from './week-data.js';

export interface MetricChange {
  readonly this_week: number | null;
  readonly prior_week: number | null;
  /** this_week − prior_week. */
  readonly change: number | null;
}

export interface DriftCheck {
  readonly prior_week: string;
  readonly prior_week_has_data: boolean;
  readonly metrics: Readonly<Record<string, MetricChange>>;
  /** Share of the week's decisions in each regime. */
  readonly regime_shares: Readonly<Record<string, { readonly this_week: number | null; readonly prior_week: number | null }>>;
  readonly flags: readonly string[];
  /** Null when either week has nothing to compare. */
  readonly drift_detected: boolean | null;
}

/** Reference 002: flag a Sharpe drop of more than 0.2 week on week. */
export const SHARPE_DROP_FLAG = 0.2;
export const HIT_RATE_DROP_FLAG = 0.1;
/** Realised cost per trade up by more than a quarter. */
export const COST_RISE_FLAG = 0.25;

/** The figures compared week on week. */
export function weekMetrics(w: WeekData): Record<string, number | null> {
  const shadow = edgeOf(w.entries, w.evaluated, isShadowRole);
  const costs = costBreakdown(w.trades);
  const evaluated = sum(w.gateDays.map((d) => d.evaluated));
  const entrySignals = w.signals.filter((s) => s.direction !== 'exit');
  // The gate's own counts when the ledger has them; else recounted from the signal log.
  const rejected = w.gateDays.length > 0 ? sum(w.gateDays.map((d) => d.rejected)) : entrySignals.filter((s) => !s.executed).length;
  const judged = w.gateDays.length > 0 ? evaluated : entrySignals.length;
  const turnover = w.gateDays.length > 0 ? sum(w.gateDays.map((d) => d.turnover_blocked)) : null;
  const winRate = ratio(w.trades.filter((t) => t.net_pnl > 0).length, w.trades.length);
  const tradeSharpe = perObservationSharpe(w.trades.map((t) => t.return_pct));
  return {
    shadow_decisions: w.decisions.length,
    shadow_hit_rate: shadow.hit_rate,
    shadow_mean_net_return_pct: shadow.mean_net_return_pct,
    shadow_sharpe: shadow.sharpe,
    champion_trades: w.trades.length,
    champion_net_pnl: roundCash(costs.net_pnl),
    champion_win_rate: winRate === null ? null : round6(winRate),
    champion_trade_sharpe: tradeSharpe === null ? null : round6(tradeSharpe),
    realized_cost_pct: costs.realized_cost_pct,
    cost_pct_of_pnl_before_costs: costs.cost_pct_of_pnl_before_costs,
    gate_rejection_rate: judged > 0 ? round6(rejected / judged) : null,
    turnover_block_rate: turnover !== null && evaluated > 0 ? round6(turnover / evaluated) : null,
  };
}

export function driftCheck(current: WeekData, prior: WeekData): DriftCheck {
  const now = weekMetrics(current);
  const before = weekMetrics(prior);
  const metrics: Record<string, MetricChange> = {};
  for (const key of Object.keys(now)) {
    const a = now[key] ?? null;
    const b = before[key] ?? null;
    metrics[key] = { this_week: a, prior_week: b, change: a === null || b === null ? null : round6(a - b) };
  }
  const priorHasData = prior.decisions.length > 0 || prior.trades.length > 0 || prior.signals.length > 0;
  const currentHasData = current.decisions.length > 0 || current.trades.length > 0 || current.signals.length > 0;
  const flags: string[] = [];
  const drop = (key: string) => {
    const m = metrics[key];
    return m && m.change !== null ? -m.change : null;
  };
  for (const [key, what] of [['shadow_sharpe', 'Shadow Sharpe'], ['champion_trade_sharpe', 'Champion per-trade Sharpe']] as const) {
    const d = drop(key);
    if (d !== null && d > SHARPE_DROP_FLAG) flags.push(`${what} dropped ${d.toFixed(2)} (${fmt(metrics[key]?.prior_week)} → ${fmt(metrics[key]?.this_week)}), more than ${SHARPE_DROP_FLAG}`);
  }
  for (const [key, what] of [['shadow_hit_rate', 'Shadow hit rate'], ['champion_win_rate', 'Champion win rate']] as const) {
    const d = drop(key);
    if (d !== null && d > HIT_RATE_DROP_FLAG) flags.push(`${what} fell ${(d * 100).toFixed(1)} points (${pct(metrics[key]?.prior_week)} → ${pct(metrics[key]?.this_week)})`);
  }
  const cost = metrics.realized_cost_pct;
  if (cost && cost.this_week !== null && cost.prior_week !== null && cost.prior_week > 0 && cost.this_week > cost.prior_week * (1 + COST_RISE_FLAG)) {
    flags.push(`Realised cost per trade rose from ${cost.prior_week.toFixed(3)}% to ${cost.this_week.toFixed(3)}% of notional`);
  }
  return {
    prior_week: prior.label,
    prior_week_has_data: priorHasData,
    metrics,
    regime_shares: regimeShares(current, prior),
    flags,
    drift_detected: priorHasData && currentHasData ? flags.length > 0 : null,
  };
}

function regimeShares(current: WeekData, prior: WeekData): DriftCheck['regime_shares'] {
  const shares = (w: WeekData) => {
    const counts = new Map<string, number>();
    for (const d of w.decisions) counts.set(d.regime ?? 'unknown', (counts.get(d.regime ?? 'unknown') ?? 0) + 1);
    return counts;
  };
  const a = shares(current);
  const b = shares(prior);
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  const share = (m: Map<string, number>, total: number, k: string) => (total > 0 ? round6((m.get(k) ?? 0) / total) : null);
  return Object.fromEntries(keys.map((k) => [k, { this_week: share(a, current.decisions.length, k), prior_week: share(b, prior.decisions.length, k) }]));
}

const fmt = (x: number | null | undefined) => (x === null || x === undefined ? '—' : x.toFixed(2));
const pct = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)}%`);
