import type { SignOffRecord } from '../ports/safety-store.js';
import type { GateDayStats } from '../risk/gate-stats.js';
import type { ExecutionRealism } from './execution-realism.js';
import type { KillSwitchState } from './kill-switch.js';
import type { LiveModeSettings } from './live-mode.js';
import type { PromotionSummary } from './promotion-gates.js';

/** One data/reports/daily_shadow_health_YYYY-MM-DD.json, as far as readiness needs it. */
export interface DailyReportSummary {
  /** The report's date, from its file name. */
  readonly date: string;
  /** Wall time (ms) the file was last written: when the report was generated. */
  readonly modified_at: number;
  /** HEALTHY | WARNING | CRITICAL; null when the file does not parse. */
  readonly overall_health: string | null;
  readonly critical_alerts: number;
}

export interface HeartbeatSummary {
  /** Wall time (ms) of the last heartbeat; null when it does not parse. */
  readonly timestamp: number | null;
  readonly status: string | null;
  readonly total_decisions_all_time: number | null;
}

/** Everything readiness judges, gathered once (load-readiness.ts) so that evaluation is pure. */
export interface ReadinessInput {
  /** Wall time (ms) of the check. */
  readonly now: number;
  readonly killSwitch: KillSwitchState;
  readonly liveMode: LiveModeSettings;
  readonly capitalPreservation: { readonly level: string; readonly since: string | null; readonly last_reason: string | null };
  readonly heartbeat: HeartbeatSummary | null;
  /** By report date, oldest first: every report written in the last 14 days, and the last written in any case. */
  readonly dailyReports: readonly DailyReportSummary[];
  /** Market days the engine traded through. */
  readonly marketDays: readonly string[];
  /** The gate's counts over the last 7 market days that have any. */
  readonly gateDays: readonly GateDayStats[];
  readonly execution: ExecutionRealism;
  readonly signOffs: readonly SignOffRecord[];
  readonly promotion: PromotionSummary;
}
