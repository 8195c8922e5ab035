import { groupBy } from '../daily/tally.js';
import { edgeStats, type EdgeStats, type EvaluatedDecision } from './edge-stats.js';

export interface SweepRow extends EdgeStats {
  readonly threshold: number;
}

export interface SweepResult {
  /** The threshold whose kept decisions had the highest mean net return, among those keeping at least `min_sample`; null when none does. */
  readonly best_threshold: number | null;
  readonly results: readonly SweepRow[];
}

export interface ConfidenceSweep extends SweepResult {
  readonly min_sample: number;
  /** Evaluated entry decisions the sweep ran over. */
  readonly evaluated_total: number;
  /** Every evaluated entry decision (all roles) is in the top-level sweep; each strategy also alone. */
  readonly by_strategy: Readonly<Record<string, SweepResult>>;
  readonly note: string | null;
}

export const SWEEP_THRESHOLDS: readonly number[] = [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9];
export const MIN_SWEEP_SAMPLE = 20;

/**
 * What each minimum confidence would have given: the decisions it keeps (confidence ≥
 * threshold) and their counterfactual edge. Decisions without a confidence are kept by none.
 */
export function sweep(evaluated: readonly EvaluatedDecision[], minSample = MIN_SWEEP_SAMPLE): SweepResult {
  const results = SWEEP_THRESHOLDS.map((threshold) => {
    const kept = evaluated.filter((e) => e.decision.confidence !== null && e.decision.confidence >= threshold - 1e-12);
    return { threshold, ...edgeStats(kept.length, kept) };
  });
  let best: SweepRow | null = null;
  for (const row of results) {
    if (row.evaluated < minSample || row.mean_net_return_pct === null) continue;
    // Ties go to the lower threshold: the same edge on more trades.
    if (best === null || row.mean_net_return_pct > (best.mean_net_return_pct ?? -Infinity)) best = row;
  }
  return { best_threshold: best?.threshold ?? null, results };
}

export function confidenceSweep(evaluated: readonly EvaluatedDecision[]): ConfidenceSweep {
  const overall = sweep(evaluated);
  let note: string | null = null;
  if (evaluated.length === 0) note = 'no data: no evaluated entry decision in this week';
  else if (overall.best_threshold === null) note = `no threshold keeps ${MIN_SWEEP_SAMPLE} evaluated decisions: too few to choose one`;
  return {
    ...overall,
    min_sample: MIN_SWEEP_SAMPLE,
    evaluated_total: evaluated.length,
    by_strategy: Object.fromEntries(groupBy(evaluated, (e) => e.decision.strategy).map(([strategy, list]) => [strategy, sweep(list)])),
    note,
  };
}
