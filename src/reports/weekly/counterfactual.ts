import { countBy, groupBy, mean, round6 } from '../daily/tally.js';
import { edgeOf, edgeStats, isShadowRole, type EdgeStats } from './edge-stats.js';
import type { BookWeek } from './shadow-books.js';
import type { WeekData } from './week-data.js';

export interface StrategyEdge extends EdgeStats {
  readonly role: string;
  /** Of the strategy's shadow book over the week (shadow_books), percent; null without a book or trades. */
  readonly max_drawdown_pct: number | null;
  /** This strategy minus the champion's counterfactual, where both exist. */
  readonly vs_champion: { readonly mean_net_return_pct: number | null; readonly hit_rate: number | null };
}

export interface CounterfactualEvaluation {
  /** The outcome horizon every edge figure uses: the one most outcomes have. */
  readonly primary_horizon: string | null;
  readonly horizons: Readonly<Record<string, { readonly outcomes: number; readonly mean_return_pct: number | null }>>;
  readonly entry_decisions: number;
  readonly evaluated: number;
  /** Entry decisions with no outcome at the primary horizon yet. */
  readonly pending: number;
  /** Challengers and advisors together: the edge under evaluation. */
  readonly shadow: EdgeStats;
  /** The champion's own decisions, evaluated the same way: the baseline. */
  readonly champion: EdgeStats;
  readonly by_strategy: Readonly<Record<string, StrategyEdge>>;
  /** shadow.sharpe − champion.sharpe (per decision). */
  readonly incremental_sharpe: number | null;
  /** The worst week drawdown among the challengers' and advisors' shadow books; null without their trades. */
  readonly shadow_max_drawdown_pct: number | null;
  readonly note: string | null;
}

export function counterfactualEvaluation(
  w: WeekData,
  horizon: string | null,
  outcomesOf: (id: string) => ReadonlyArray<{ horizon: string; return_pct: number | null }>,
  books: Readonly<Record<string, BookWeek>>,
): CounterfactualEvaluation {
  const horizonReturns = new Map<string, number[]>();
  for (const d of w.entries) {
    for (const o of outcomesOf(d.id)) {
      if (o.return_pct === null) continue;
      const list = horizonReturns.get(o.horizon);
      if (list) list.push(o.return_pct);
      else horizonReturns.set(o.horizon, [o.return_pct]);
    }
  }
  const horizons = Object.fromEntries(
    [...horizonReturns].sort(([a], [b]) => (a < b ? -1 : 1)).map(([h, values]) => [h, { outcomes: values.length, mean_return_pct: round6(mean(values) ?? 0) }]),
  );
  const shadow = edgeOf(w.entries, w.evaluated, isShadowRole);
  const champion = edgeOf(w.entries, w.evaluated, (d) => !isShadowRole(d));
  const roles = new Map(w.entries.map((d) => [d.strategy, d.role]));
  const byStrategy: Record<string, StrategyEdge> = {};
  for (const [strategy, evaluated] of groupBy(w.evaluated, (e) => e.decision.strategy)) {
    const stats = edgeStats(w.entries.filter((d) => d.strategy === strategy).length, evaluated);
    byStrategy[strategy] = {
      ...stats,
      role: roles.get(strategy) ?? 'unknown',
      max_drawdown_pct: books[strategy]?.max_drawdown_pct ?? null,
      vs_champion: { mean_net_return_pct: diff(stats.mean_net_return_pct, champion.mean_net_return_pct), hit_rate: diff(stats.hit_rate, champion.hit_rate) },
    };
  }
  for (const [strategy] of Object.entries(countBy(w.entries, (d) => d.strategy))) {
    if (byStrategy[strategy]) continue;
    byStrategy[strategy] = { ...edgeStats(w.entries.filter((d) => d.strategy === strategy).length, []), role: roles.get(strategy) ?? 'unknown', max_drawdown_pct: books[strategy]?.max_drawdown_pct ?? null, vs_champion: { mean_net_return_pct: null, hit_rate: null } };
  }
  const sorted = Object.fromEntries(Object.entries(byStrategy).sort(([a], [b]) => (a < b ? -1 : 1)));
  let note: string | null = null;
  if (w.decisions.length === 0) note = 'no data: no shadow decision in this week';
  else if (w.entries.length === 0) note = 'no entry decisions in this week: nothing to evaluate';
  else if (horizon === null) note = 'no outcome lines yet for this week\'s decisions: nothing to evaluate';
  return {
    primary_horizon: horizon,
    horizons,
    entry_decisions: w.entries.length,
    evaluated: w.evaluated.length,
    pending: w.entries.length - w.evaluated.length,
    shadow,
    champion,
    by_strategy: sorted,
    incremental_sharpe: diff(shadow.sharpe, champion.sharpe),
    shadow_max_drawdown_pct: worst(Object.values(books).filter((b) => b.role === 'challenger' || b.role === 'advisor').map((b) => b.max_drawdown_pct)),
    note,
  };
}

function diff(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : round6(a - b);
}

function worst(values: ReadonlyArray<number | null>): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length > 0 ? Math.max(...known) : null;
}
