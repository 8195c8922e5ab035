import type { ProductionState, ProductionStore } from '../../ports/production-store.js';
import { PromotionKind } from '../../ports/production-store.js';

/** paper_live.yaml's `strategies:`: where the production state starts from. */
export interface ProductionSeed {
  readonly champion: string;
  readonly challengers: readonly string[];
}

/**
 * The state as it is once seeded: the stored one, or (read-only commands before the first write)
 * what seeding would make of the config. The first `maxChallengers` distinct challengers are
 * taken; the rest are reported as skipped.
 */
export function effectiveProductionState(state: ProductionState, seed: ProductionSeed, maxChallengers: number): ProductionState {
  if (state.champion !== null) return state;
  return {
    ...state,
    champion: seed.champion,
    champion_since: null,
    challengers: seedChallengers(seed, maxChallengers).taken.map((id) => ({ id, started_at: '', added_by: 'seed', reason: 'from paper_live.yaml (not seeded yet)' })),
  };
}

/**
 * Writes the seed once (the first production command or daemon start in a home); afterwards the
 * ledger is the truth and paper_live.yaml's champion is no longer read. Idempotent.
 */
export function seedProduction(store: ProductionStore, seed: ProductionSeed, maxChallengers: number, at: string, startedAt: string): { seeded: boolean; skipped: string[] } {
  return store.transaction(() => {
    if (store.readState().champion !== null) return { seeded: false, skipped: [] };
    const { taken, skipped } = seedChallengers(seed, maxChallengers);
    store.setChampion(seed.champion, at);
    store.recordPromotion({ at, kind: PromotionKind.SEED, from: null, to: seed.champion, reviewer: 'seed', reason: 'seeded from paper_live.yaml strategies' });
    for (const id of taken) store.addChallenger({ id, started_at: startedAt, added_by: 'seed', reason: 'seeded from paper_live.yaml strategies' });
    return { seeded: true, skipped };
  });
}

function seedChallengers(seed: ProductionSeed, max: number): { taken: string[]; skipped: string[] } {
  const distinct = [...new Set(seed.challengers)].filter((id) => id !== seed.champion);
  return { taken: distinct.slice(0, max), skipped: distinct.slice(max) };
}
