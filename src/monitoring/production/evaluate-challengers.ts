import type { DailyReturnRow, ProductionState } from '../../ports/production-store.js';
import { cumulativeReturn, sharpeRatio } from '../drift/return-stats.js';

export interface EvaluationSettings {
  readonly challenger_eval_period: number;
  readonly min_challenger_outperformance: number;
  readonly annualization_days: number;
}

/** Reference 000's ChallengerResult, ranked, with the reasons in words. */
export interface ChallengerEvaluation {
  readonly rank: number;
  readonly strategy_id: string;
  readonly started_at: string;
  readonly days_evaluated: number;
  /** challenger_eval_period days or more: compared with the champion, eligible for promotion. */
  readonly evaluated: boolean;
  /** Compounded over its days, percent. */
  readonly paper_return: number | null;
  readonly paper_sharpe: number | null;
  readonly champion_sharpe: number | null;
  readonly vs_champion_return: number | null;
  readonly vs_champion_sharpe: number | null;
  readonly ready_for_promotion: boolean;
  readonly reasons: readonly string[];
}

/**
 * Each challenger's paper returns from the UTC day it was added, against the champion's returns
 * on the same dates. Sharpe as in reference 000 (population std, 0 when the returns do not vary)
 * annualised by √annualization_days. Ready when evaluated and its Sharpe beats the champion's by
 * more than min_challenger_outperformance (Sharpe units). Ranked: evaluated ones first by paper
 * Sharpe, then the rest by days collected; ties by id.
 */
export function evaluateChallengers(
  state: Pick<ProductionState, 'champion' | 'challengers'>,
  returns: ReadonlyMap<string, readonly DailyReturnRow[]>,
  settings: EvaluationSettings,
): ChallengerEvaluation[] {
  const n = settings.annualization_days;
  const sharpe = (values: readonly number[]) => (values.length === 0 ? null : (sharpeRatio(values, n) ?? 0));
  const championByDate = new Map((state.champion === null ? [] : (returns.get(state.champion) ?? [])).map((r) => [r.date, r.return_pct]));
  const unranked = state.challengers.map((challenger) => {
    const since = challenger.started_at.slice(0, 10);
    const own = (returns.get(challenger.id) ?? []).filter((r) => r.date >= since);
    const values = own.map((r) => r.return_pct);
    const championValues = own.flatMap((r) => (championByDate.has(r.date) ? [championByDate.get(r.date)!] : []));
    const evaluated = own.length >= settings.challenger_eval_period;
    const paperSharpe = sharpe(values);
    const championSharpe = sharpe(championValues);
    const paperReturn = values.length === 0 ? null : cumulativeReturn(values);
    const championReturn = championValues.length === 0 ? null : cumulativeReturn(championValues);
    const vsSharpe = paperSharpe !== null && championSharpe !== null ? paperSharpe - championSharpe : null;
    const ready = evaluated && vsSharpe !== null && vsSharpe > settings.min_challenger_outperformance;
    const reasons: string[] = [];
    if (!evaluated) reasons.push(`${own.length} of ${settings.challenger_eval_period} days of paper returns since ${since || 'the start'}`);
    if (championValues.length < own.length) reasons.push(`the champion has returns on ${championValues.length} of those ${own.length} days`);
    if (vsSharpe !== null) {
      const margin = `${vsSharpe >= 0 ? '+' : ''}${vsSharpe.toFixed(2)}`;
      reasons.push(`paper Sharpe ${paperSharpe!.toFixed(2)} vs champion ${championSharpe!.toFixed(2)} (${margin}, needs more than +${settings.min_challenger_outperformance})`);
    }
    if (ready) reasons.push('ready for promotion');
    return {
      strategy_id: challenger.id,
      started_at: challenger.started_at,
      days_evaluated: own.length,
      evaluated,
      paper_return: paperReturn,
      paper_sharpe: paperSharpe,
      champion_sharpe: championSharpe,
      vs_champion_return: paperReturn !== null && championReturn !== null ? paperReturn - championReturn : null,
      vs_champion_sharpe: vsSharpe,
      ready_for_promotion: ready,
      reasons,
    };
  });
  unranked.sort(
    (a, b) =>
      Number(b.evaluated) - Number(a.evaluated) ||
      (a.evaluated ? (b.paper_sharpe ?? -Infinity) - (a.paper_sharpe ?? -Infinity) : b.days_evaluated - a.days_evaluated) ||
      (a.strategy_id < b.strategy_id ? -1 : a.strategy_id > b.strategy_id ? 1 : 0),
  );
  return unranked.map((e, i) => ({ rank: i + 1, ...e }));
}
