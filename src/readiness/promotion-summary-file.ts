import { writeJsonAtomic } from '../io/atomic-write.js';
import type { SafetyLedgerView } from '../ports/safety-store.js';
import { evaluatePromotionGates, type PromotionSummary } from './promotion-gates.js';
import { readWeeklyEvidence } from './report-files.js';

/**
 * Re-measures the Phase 2C promotion gates from the weekly reports and the ledger's sign-offs
 * and replaces data/phase2b_go_nogo_summary.json atomically. Call it after a weekly report, a
 * sign-off, or once per market day.
 */
export function refreshPromotionSummary(paths: { readonly reportsDir: string; readonly goNoGo: string }, ledger: Pick<SafetyLedgerView, 'signOffs'>, now: number): PromotionSummary {
  const summary = evaluatePromotionGates({ weeks: readWeeklyEvidence(paths.reportsDir), signOffs: ledger.signOffs, now });
  writeJsonAtomic(paths.goNoGo, summary);
  return summary;
}
