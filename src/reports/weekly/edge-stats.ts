import type { ShadowDecision, ShadowLog } from '../daily/shadow-log.js';
import { mean, perObservationSharpe, round6, roundCash, sum } from '../daily/tally.js';

/** An entry decision with its outcome at the report's horizon. */
export interface EvaluatedDecision {
  readonly decision: ShadowDecision;
  /** As logged: the market's move over the horizon, percent, before costs. */
  readonly return_pct: number;
  /** pnl_if_taken × 100 (costs of both legs as the broker charges them); without it, return_pct − the decision's cost estimate. */
  readonly net_return_pct: number;
  readonly pnl_if_taken: number | null;
}

/**
 * What a group of decisions would have earned. `decisions` counts the group's entry
 * decisions, `evaluated` those with an outcome at the horizon; every other figure is over the
 * evaluated ones and null when there are none.
 */
export interface EdgeStats {
  readonly decisions: number;
  readonly evaluated: number;
  /** Σ pnl_if_taken: the counterfactual ΔPnL of staking one unit of quote currency (1 USDT) on each decision; null when no outcome gives it. */
  readonly delta_pnl: number | null;
  /** Share of evaluated decisions whose net return is above 0. */
  readonly hit_rate: number | null;
  readonly mean_return_pct: number | null;
  readonly mean_net_return_pct: number | null;
  /** Mean ÷ sample std of net returns per decision, not annualised. */
  readonly sharpe: number | null;
  /** Mean net return above 0. */
  readonly edge_positive: boolean | null;
}

/** The horizon most outcomes of these decisions have; ties go to the one first seen. Null without outcomes. */
export function primaryHorizon(decisions: readonly ShadowDecision[], outcomes: ShadowLog['outcomes']): string | null {
  const counts = new Map<string, number>();
  for (const d of decisions) for (const o of outcomes.get(d.id) ?? []) if (o.return_pct !== null) counts.set(o.horizon, (counts.get(o.horizon) ?? 0) + 1);
  let best: string | null = null;
  for (const [horizon, count] of counts) if (best === null || count > (counts.get(best) ?? 0)) best = horizon;
  return best;
}

/** Entry decisions that have an outcome with a return at `horizon` (the first such outcome line counts). */
export function evaluateDecisions(decisions: readonly ShadowDecision[], outcomes: ShadowLog['outcomes'], horizon: string | null): EvaluatedDecision[] {
  if (horizon === null) return [];
  const evaluated: EvaluatedDecision[] = [];
  for (const d of decisions) {
    if (!d.entry) continue;
    const outcome = (outcomes.get(d.id) ?? []).find((o) => o.horizon === horizon && o.return_pct !== null);
    if (!outcome || outcome.return_pct === null) continue;
    const net = outcome.pnl_if_taken !== null ? outcome.pnl_if_taken * 100 : outcome.return_pct - (d.cost_estimate_pct ?? 0);
    evaluated.push({ decision: d, return_pct: outcome.return_pct, net_return_pct: net, pnl_if_taken: outcome.pnl_if_taken });
  }
  return evaluated;
}

export function edgeStats(entryDecisions: number, evaluated: readonly EvaluatedDecision[]): EdgeStats {
  const net = evaluated.map((e) => e.net_return_pct);
  const pnls = evaluated.flatMap((e) => (e.pnl_if_taken === null ? [] : [e.pnl_if_taken]));
  const meanNet = mean(net);
  const meanRaw = mean(evaluated.map((e) => e.return_pct));
  const sharpe = perObservationSharpe(net);
  return {
    decisions: entryDecisions,
    evaluated: evaluated.length,
    delta_pnl: pnls.length > 0 ? roundCash(sum(pnls)) : null,
    hit_rate: evaluated.length > 0 ? round6(net.filter((x) => x > 0).length / evaluated.length) : null,
    mean_return_pct: meanRaw === null ? null : round6(meanRaw),
    mean_net_return_pct: meanNet === null ? null : round6(meanNet),
    sharpe: sharpe === null ? null : round6(sharpe),
    edge_positive: meanNet === null ? null : meanNet > 0,
  };
}

/** Edge stats of the decisions selected by `keep`. */
export function edgeOf(entries: readonly ShadowDecision[], evaluated: readonly EvaluatedDecision[], keep: (d: ShadowDecision) => boolean): EdgeStats {
  return edgeStats(entries.filter(keep).length, evaluated.filter((e) => keep(e.decision)));
}

/** Challengers and advisors: the decisions whose edge is the evidence. The champion is the baseline. */
export const isShadowRole = (d: ShadowDecision): boolean => d.role !== 'champion';
