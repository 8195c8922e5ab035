import type { ShadowDecision } from '../daily/shadow-log.js';
import { groupBy } from '../daily/tally.js';
import { edgeOf, isShadowRole, type EdgeStats } from './edge-stats.js';
import type { WeekData } from './week-data.js';

/** One symbol's or regime's edge: the shadow decisions' figures, and each strategy's (champion included) beside them. */
export interface SegmentEdge extends EdgeStats {
  readonly by_strategy: Readonly<Record<string, EdgeStats>>;
}

/** Edge per segment (symbol, regime…) of the week's entry decisions; decisions without a regime fall in "unknown". */
export function segmentEdges(w: WeekData, segmentOf: (d: ShadowDecision) => string): Record<string, SegmentEdge> {
  const result: Record<string, SegmentEdge> = {};
  for (const [segment, entries] of groupBy(w.entries, segmentOf)) {
    const evaluated = w.evaluated.filter((e) => segmentOf(e.decision) === segment);
    const byStrategy: Record<string, EdgeStats> = {};
    for (const [strategy] of groupBy(entries, (d) => d.strategy)) byStrategy[strategy] = edgeOf(entries, evaluated, (d) => d.strategy === strategy);
    result[segment] = { ...edgeOf(entries, evaluated, isShadowRole), by_strategy: byStrategy };
  }
  return result;
}

export const regimeOf = (d: ShadowDecision): string => d.regime ?? 'unknown';
export const symbolOf = (d: ShadowDecision): string => d.symbol;
