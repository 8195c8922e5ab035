import { PromotionKind, type ProductionStore } from '../../ports/production-store.js';
import { planAddChallenger, planPromotion, planRemoveChallenger, planSetChampion, type Decision } from './production-decisions.js';

/**
 * Production changes as one IMMEDIATE transaction each: the state is re-read inside it, so a CLI
 * command and the daemon's daily check can never interleave halfway through a promotion. Every
 * change bumps production_state.version, which the daemon polls.
 */
export interface ChangeContext {
  /** Wall time (ISO) for the audit trail. */
  readonly at: string;
  /** Market time (ISO) from which a new challenger's paper returns count. */
  readonly startedAt: string;
  /** Who: `operator:<name>`, `emergency_auto`, `reevolution`. */
  readonly reviewer: string;
  readonly reason: string;
}

export function setChampion(store: ProductionStore, id: string, context: ChangeContext): Decision<{ from: string | null }> {
  return store.transaction(() => {
    const plan = planSetChampion(store.readState(), id);
    if (!plan.ok) return plan;
    if (plan.value.wasChallenger) store.removeChallenger(id);
    store.setChampion(id, context.at);
    store.recordPromotion({ at: context.at, kind: PromotionKind.SET_CHAMPION, from: plan.value.from, to: id, reviewer: context.reviewer, reason: context.reason });
    return { ok: true, value: { from: plan.value.from } };
  });
}

export function addChallenger(store: ProductionStore, id: string, maxChallengers: number, context: ChangeContext): Decision<null> {
  return store.transaction(() => {
    const plan = planAddChallenger(store.readState(), id, maxChallengers);
    if (plan.ok) store.addChallenger({ id, started_at: context.startedAt, added_by: context.reviewer, reason: context.reason });
    return plan;
  });
}

export function removeChallenger(store: ProductionStore, id: string): Decision<null> {
  return store.transaction(() => {
    const plan = planRemoveChallenger(store.readState(), id);
    if (plan.ok) store.removeChallenger(id);
    return plan;
  });
}

/** The challenger becomes champion; the old champion becomes a challenger from `startedAt`. */
export function promoteChallenger(
  store: ProductionStore,
  id: string,
  kind: typeof PromotionKind.PROMOTE | typeof PromotionKind.EMERGENCY,
  context: ChangeContext,
): Decision<{ from: string | null; to: string }> {
  return store.transaction(() => {
    const plan = planPromotion(store.readState(), id);
    if (!plan.ok) return plan;
    const { from } = plan.value;
    store.removeChallenger(id);
    store.setChampion(id, context.at);
    if (from !== null) store.addChallenger({ id: from, started_at: context.startedAt, added_by: 'demoted_champion', reason: `demoted by ${context.reviewer}: ${context.reason}` });
    store.recordPromotion({ at: context.at, kind, from, to: id, reviewer: context.reviewer, reason: context.reason });
    return plan;
  });
}
