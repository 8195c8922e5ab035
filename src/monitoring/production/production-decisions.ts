import type { ProductionState } from '../../ports/production-store.js';
import type { ChallengerEvaluation } from './evaluate-challengers.js';

/** A production change is allowed with what it will do, or refused with one sentence why. */
export type Decision<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

const refuse = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });
const isChallenger = (state: Pick<ProductionState, 'challengers'>, id: string) => state.challengers.some((c) => c.id === id);
const listed = (state: Pick<ProductionState, 'challengers'>) => (state.challengers.length === 0 ? 'there are none' : `challengers: ${state.challengers.map((c) => c.id).join(', ')}`);

export function planSetChampion(state: ProductionState, id: string): Decision<{ from: string | null; wasChallenger: boolean }> {
  if (state.champion === id) return refuse(`${id} is already the champion`);
  return { ok: true, value: { from: state.champion, wasChallenger: isChallenger(state, id) } };
}

export function planAddChallenger(state: ProductionState, id: string, maxChallengers: number): Decision<null> {
  if (state.champion === id) return refuse(`${id} is the champion; a strategy cannot challenge itself`);
  if (isChallenger(state, id)) return refuse(`${id} is already a challenger`);
  if (state.challengers.length >= maxChallengers) {
    return refuse(`max_concurrent_challengers (${maxChallengers}) is reached (${listed(state)}); remove one first with paperlive production --remove-challenger ID`);
  }
  return { ok: true, value: null };
}

export function planRemoveChallenger(state: ProductionState, id: string): Decision<null> {
  return isChallenger(state, id) ? { ok: true, value: null } : refuse(`${id} is not a challenger (${listed(state)})`);
}

/** A challenger replaces the champion, which becomes a challenger itself (reference 000's promote). */
export function planPromotion(state: ProductionState, id: string): Decision<{ from: string | null; to: string }> {
  if (state.champion === id) return refuse(`${id} is already the champion; promote a challenger instead`);
  if (!isChallenger(state, id)) return refuse(`${id} is not a challenger (${listed(state)}); add it with --add-challenger and let it prove itself first`);
  return { ok: true, value: { from: state.champion, to: id } };
}

/**
 * The emergency rule of reference 000: the evaluated challenger with the best paper Sharpe,
 * provided that Sharpe is above 0; otherwise no promotion, and why.
 */
export function planEmergencyPromotion(state: ProductionState, evaluations: readonly ChallengerEvaluation[]): Decision<ChallengerEvaluation> {
  if (state.challengers.length === 0) return refuse('there is no challenger to promote');
  const evaluated = evaluations.filter((e) => e.evaluated);
  if (evaluated.length === 0) return refuse('no challenger has challenger_eval_period days of paper returns yet');
  const best = evaluated.reduce((a, b) => ((b.paper_sharpe ?? -Infinity) > (a.paper_sharpe ?? -Infinity) ? b : a));
  if (best.paper_sharpe === null || best.paper_sharpe <= 0) {
    return refuse(`no challenger has a positive paper Sharpe (best: ${best.strategy_id} at ${best.paper_sharpe === null ? 'n/a' : best.paper_sharpe.toFixed(2)})`);
  }
  return { ok: true, value: best };
}
