/**
 * The production vocabulary of ports/production-store.ts as this layer offers it to its callers
 * (the CLI may not import ports directly).
 */
export { PromotionKind, ReturnSource } from '../../ports/production-store.js';
export type { ChallengerEntry, DailyReturnRow, ProductionState, ProductionStore, PromotionRow } from '../../ports/production-store.js';
