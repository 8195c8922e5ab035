import { PromotionKind, type DailyReturnRow, type ProductionStore } from '../../ports/production-store.js';
import { countDriftDay } from '../drift/drift-days.js';
import type { DriftAssessment } from '../drift/drift-report.js';
import type { DriftSettings } from '../drift/drift-settings.js';
import { detectDrift } from '../drift/detect-drift.js';
import type { ExpectedMetrics } from '../drift/expected-metrics.js';
import { evaluateChallengers, type EvaluationSettings } from './evaluate-challengers.js';
import { promoteChallenger } from './production-actions.js';
import { planEmergencyPromotion } from './production-decisions.js';
import { scheduledRequestDue } from './reevolution-schedule.js';

export interface DailyCheckSettings extends DriftSettings {
  readonly monitoring: DriftSettings['monitoring'] & EvaluationSettings;
  readonly reevolution: DriftSettings['reevolution'] & { readonly schedule: string };
}

export const AlertKind = {
  EMERGENCY_PROMOTION: 'emergency_promotion',
  EMERGENCY_PROMOTION_REFUSED: 'emergency_promotion_refused',
  REEVOLUTION_REQUESTED: 'reevolution_requested',
  REEVOLUTION_SCHEDULED: 'reevolution_scheduled',
} as const;
export type AlertKind = (typeof AlertKind)[keyof typeof AlertKind];

export interface ProductionAlert {
  readonly level: 'critical' | 'warning' | 'info';
  readonly kind: AlertKind;
  readonly strategy: string;
  readonly message: string;
}

export interface DailyCheckInput {
  readonly store: ProductionStore;
  /** The day's returns to record first (champion: paper account; challengers: shadow books). */
  readonly returns: readonly DailyReturnRow[];
  readonly settings: DailyCheckSettings;
  /** Expectations per strategy id (production.yaml overrides, else its backtest, cached). */
  readonly expectedFor: (strategyId: string) => ExpectedMetrics | null | Promise<ExpectedMetrics | null>;
  /** Wall time (ISO), for the audit trail. */
  readonly at: string;
  /** Market time (ISO): a demoted champion's paper returns as a challenger count from here. */
  readonly marketTime: string;
}

export interface DailyCheckResult {
  readonly assessments: ReadonlyArray<{ readonly strategy: string; readonly assessment: DriftAssessment }>;
  readonly alerts: readonly ProductionAlert[];
}

/**
 * The daily production check (reference 000's log_performance + check_and_respond_to_drift), one
 * code path for the daemon's UTC day roll and `paperlive monitor --log`:
 * 1. record the returns; 2. for each strategy that got one, check drift on its whole series and
 * count the drift day; 3. for the champion: on should_demote_champion promote the evaluated
 * challenger with the best positive paper Sharpe (reviewer emergency_auto, CRITICAL alert; a
 * CRITICAL alert too when none qualifies), otherwise on should_trigger_reevolution open a
 * re-evolution request unless one is open; 4. with reevolution.schedule set, open a scheduled
 * request when the last one is that old. Every write is a short transaction.
 */
export async function runDailyCheck(input: DailyCheckInput): Promise<DailyCheckResult> {
  const { store, settings } = input;
  store.transaction(() => {
    for (const row of input.returns) store.upsertDailyReturn(row, input.at);
  });
  const strategies = [...new Set(input.returns.map((r) => r.strategy))];
  const assessments: Array<{ strategy: string; assessment: DriftAssessment }> = [];
  for (const strategy of strategies) {
    const expected = await input.expectedFor(strategy);
    const points = store.dailyReturns(strategy);
    const counter = store.driftCounter(strategy);
    const assessment = detectDrift({ points, expected, settings, counter });
    const last = points.at(-1);
    if (last) store.saveDriftCounter(strategy, countDriftDay(counter, last.date, assessment.detail.counts_toward_reevolution, assessment.report.drift_type), input.at);
    assessments.push({ strategy, assessment });
  }

  const alerts: ProductionAlert[] = [];
  const state = store.readState();
  const champion = assessments.find((a) => a.strategy === state.champion);
  if (champion) {
    const { report } = champion.assessment;
    if (report.should_demote_champion) {
      const returns = new Map([state.champion!, ...state.challengers.map((c) => c.id)].map((id) => [id, store.dailyReturns(id)]));
      const choice = planEmergencyPromotion(state, evaluateChallengers(state, returns, settings.monitoring));
      if (choice.ok) {
        const best = choice.value;
        const promoted = promoteChallenger(store, best.strategy_id, PromotionKind.EMERGENCY, { at: input.at, startedAt: input.marketTime, reviewer: 'emergency_auto', reason: report.message });
        if (promoted.ok) {
          alerts.push({
            level: 'critical',
            kind: AlertKind.EMERGENCY_PROMOTION,
            strategy: champion.strategy,
            message: `EMERGENCY: champion ${champion.strategy} demoted (${report.message}); promoted ${best.strategy_id} (paper Sharpe ${best.paper_sharpe!.toFixed(2)} over ${best.days_evaluated} days)`,
          });
          return { assessments, alerts };
        }
      }
      alerts.push({
        level: 'critical',
        kind: AlertKind.EMERGENCY_PROMOTION_REFUSED,
        strategy: champion.strategy,
        message: `EMERGENCY: champion ${champion.strategy} should be demoted (${report.message}) but no challenger can replace it: ${choice.ok ? 'the promotion was refused' : choice.reason}; consider paperlive pause`,
      });
    }
    if (report.should_trigger_reevolution && !state.reevolution_requested) {
      store.requestReevolution('drift', `${champion.strategy}: ${report.message}`, input.at);
      alerts.push({ level: 'warning', kind: AlertKind.REEVOLUTION_REQUESTED, strategy: champion.strategy, message: `re-evolution requested for ${champion.strategy}: ${report.message}; run paperlive trigger-reevolution` });
    }
  }
  const now = store.readState();
  const last = store.reevolutionRequests().at(-1)?.requested_at ?? null;
  if (settings.reevolution.enabled && now.champion !== null && !now.reevolution_requested && scheduledRequestDue(settings.reevolution.schedule, last, input.at)) {
    store.requestReevolution('schedule', `reevolution.schedule ${settings.reevolution.schedule}`, input.at);
    alerts.push({ level: 'info', kind: AlertKind.REEVOLUTION_SCHEDULED, strategy: now.champion, message: `scheduled (${settings.reevolution.schedule}) re-evolution requested for ${now.champion}` });
  }
  return { assessments, alerts };
}
