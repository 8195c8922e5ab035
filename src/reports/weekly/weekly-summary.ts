import type { BtcDiagnosis } from './btc-diagnosis.js';
import type { CostDecomposition } from './cost-decomposition.js';
import type { CounterfactualEvaluation } from './counterfactual.js';
import type { DriftCheck } from './drift-check.js';
import type { SegmentEdge } from './segment-edge.js';

export interface PromotionGateProgress {
  readonly weeks_collected: number;
  readonly weeks_required: number;
  readonly data_collection_met: boolean;
  readonly edge_positive: boolean | null;
  readonly hit_rate: number | null;
  readonly hit_rate_required: number;
  readonly hit_rate_met: boolean | null;
  readonly incremental_sharpe: number | null;
  readonly incremental_sharpe_required: number;
  readonly incremental_sharpe_met: boolean | null;
  readonly max_drawdown_pct: number | null;
  readonly max_drawdown_limit_pct: number;
  readonly max_drawdown_met: boolean | null;
  /** This week only; the gate wants an improving trend over weeks. */
  readonly btc_edge_survives_costs: boolean | null;
  /** Recorded by `production --sign-off`, which this report does not read. */
  readonly human_sign_off: null;
}

export interface WeeklySummary {
  readonly overall_edge_positive: boolean | null;
  /** Positive in a majority of the regimes with enough evaluated decisions; null with fewer than two such regimes. */
  readonly edge_stable_across_regimes: boolean | null;
  readonly regimes_evaluated: number;
  readonly regimes_with_positive_edge: number;
  readonly promotion_gate_progress: PromotionGateProgress;
  readonly alerts: readonly string[];
  readonly headline: string;
}

/** Reference 002's Phase 2C hard requirements. */
export const PROMOTION_GATES = { weeks: 12, hitRate: 0.55, incrementalSharpe: 0.3, maxDrawdownPct: 5 } as const;
/** A regime with fewer evaluated shadow decisions says nothing about stability. */
export const MIN_REGIME_SAMPLE = 5;

export interface SummaryFacts {
  readonly collection: { readonly weeks_collected: number; readonly total_decisions: number };
  readonly counterfactual: CounterfactualEvaluation;
  readonly regimeEdge: Readonly<Record<string, SegmentEdge>>;
  readonly costs: CostDecomposition;
  readonly drift: DriftCheck;
  readonly btc: BtcDiagnosis;
}

export function weeklySummary(f: SummaryFacts): WeeklySummary {
  const shadow = f.counterfactual.shadow;
  const regimes = Object.entries(f.regimeEdge).filter(([regime, edge]) => regime !== 'unknown' && edge.evaluated >= MIN_REGIME_SAMPLE);
  const positive = regimes.filter(([, edge]) => edge.edge_positive === true);
  const stable = regimes.length >= 2 ? positive.length > regimes.length / 2 : null;
  const sharpe = f.counterfactual.incremental_sharpe;
  const dd = f.counterfactual.shadow_max_drawdown_pct;
  const gates: PromotionGateProgress = {
    weeks_collected: f.collection.weeks_collected,
    weeks_required: PROMOTION_GATES.weeks,
    data_collection_met: f.collection.weeks_collected >= PROMOTION_GATES.weeks,
    edge_positive: shadow.edge_positive,
    hit_rate: shadow.hit_rate,
    hit_rate_required: PROMOTION_GATES.hitRate,
    hit_rate_met: shadow.hit_rate === null ? null : shadow.hit_rate >= PROMOTION_GATES.hitRate,
    incremental_sharpe: sharpe,
    incremental_sharpe_required: PROMOTION_GATES.incrementalSharpe,
    incremental_sharpe_met: sharpe === null ? null : sharpe >= PROMOTION_GATES.incrementalSharpe,
    max_drawdown_pct: dd,
    max_drawdown_limit_pct: PROMOTION_GATES.maxDrawdownPct,
    max_drawdown_met: dd === null ? null : dd < PROMOTION_GATES.maxDrawdownPct,
    btc_edge_survives_costs: f.btc.primary_cause === null || f.btc.trades === 0 ? null : f.btc.primary_cause === 'edge_survives_costs',
    human_sign_off: null,
  };

  const alerts: string[] = [...f.drift.flags];
  if (regimes.length >= 2 && positive.length === 1) alerts.push(`Edge positive in only one regime (${positive[0]?.[0]}): possibly overfit to it`);
  if (f.costs.cost_under_half_of_pnl === false) {
    alerts.push(f.costs.cost_pct_of_pnl_before_costs === null ? 'Costs exceed the edge before costs: investigate turnover' : `Costs are ${f.costs.cost_pct_of_pnl_before_costs.toFixed(0)}% of the PnL before costs (runbook: < 50%): investigate turnover`);
  }
  for (const finding of f.btc.findings) alerts.push(`BTC: ${finding}`);

  let headline: string;
  if (f.collection.total_decisions === 0) headline = 'No data: no shadow decision this week, so there is no counterfactual edge to report.';
  else if (shadow.evaluated === 0) headline = `${f.collection.total_decisions} shadow decisions, none of challengers or advisors evaluated yet: no edge to report.`;
  else headline = `Shadow edge ${shadow.edge_positive ? 'positive' : 'not positive'}: ${shadow.evaluated} evaluated decisions, hit rate ${pct(shadow.hit_rate)}, mean net ${shadow.mean_net_return_pct?.toFixed(3)}% per decision at ${f.counterfactual.primary_horizon}.`;
  return {
    overall_edge_positive: shadow.edge_positive,
    edge_stable_across_regimes: stable,
    regimes_evaluated: regimes.length,
    regimes_with_positive_edge: positive.length,
    promotion_gate_progress: gates,
    alerts,
    headline,
  };
}

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
