import { LEVEL_POLICY, isPreservationLevel } from '../risk/capital-preservation/levels.js';
import { paperStreak } from './paper-streak.js';
import type { ReadinessInput } from './readiness-input.js';
import { Readiness } from './readiness-verdict.js';
import { Wording as W } from './readiness-wording.js';

export interface Finding {
  readonly status: Exclude<Readiness, 'GO'>;
  readonly reason: string;
  readonly action: string;
}

export interface CheckResult {
  readonly findings: readonly Finding[];
  /** What was measured, for `components`. */
  readonly detail: Readonly<Record<string, unknown>>;
}

/**
 * `system`: the paper system's own health (overall_readiness). `rollout`: what going live needs
 * on top of it (live_rollout_readiness judges both).
 */
export interface ReadinessCheck {
  readonly component: string;
  readonly scope: 'system' | 'rollout';
  run(input: ReadinessInput): CheckResult;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
export const READINESS_LIMITS = {
  streakDays: 14,
  weeks: 2,
  heartbeatMaxAgeMs: 2 * HOUR_MS,
  dailyReportMaxAgeMs: DAY_MS,
  alertWindowMs: 14 * DAY_MS,
  turnoverMin: 0.05,
  turnoverMax: 0.7,
} as const;
const L = READINESS_LIMITS;

const noGo = (w: { reason: string; action: string }): Finding => ({ status: Readiness.NO_GO, ...w });
const conditional = (reason: string, action: string): Finding => ({ status: Readiness.CONDITIONAL, reason, action });

/** Reference 002's criteria for a live rollout GO, in the order of its troubleshooting table. */
export const READINESS_CHECKS: readonly ReadinessCheck[] = [
  {
    component: 'kill_switch',
    scope: 'rollout',
    run: ({ killSwitch }) => ({ findings: killSwitch.active ? [noGo(W.killSwitch)] : [], detail: { ...killSwitch } }),
  },
  {
    component: 'capital_preservation',
    scope: 'system',
    run: ({ capitalPreservation: cp }) => ({
      // LOCKDOWN and CRISIS, the levels that halt; a level this build does not know counts as one.
      findings: !isPreservationLevel(cp.level) || LEVEL_POLICY[cp.level].halt ? [noGo(W.capitalPreservation)] : [],
      detail: { ...cp },
    }),
  },
  {
    component: 'shadow_health',
    scope: 'system',
    run: ({ dailyReports, heartbeat, marketDays }) => {
      const latest = dailyReports.at(-1) ?? null;
      // A daemon that has traded through more than a day and never logged a shadow decision is not collecting.
      const neverCollected = heartbeat?.total_decisions_all_time === 0 && marketDays.length >= 2;
      const critical = latest?.overall_health === 'CRITICAL' || neverCollected;
      return {
        findings: critical ? [noGo(W.shadowHealth)] : [],
        detail: { latest_report: latest?.date ?? null, overall_health: latest?.overall_health ?? null, total_decisions_all_time: heartbeat?.total_decisions_all_time ?? null },
      };
    },
  },
  {
    component: 'live_mode',
    scope: 'rollout',
    run: ({ liveMode }) => ({
      findings: liveMode.enabled && liveMode.allowlist.length === 0 ? [noGo(W.allowlist)] : [],
      detail: { enabled: liveMode.enabled, symbol_allowlist: [...liveMode.allowlist] },
    }),
  },
  {
    component: 'daily_reports',
    scope: 'system',
    run: ({ dailyReports, now }) => {
      const newest = dailyReports.reduce<number | null>((max, r) => (max === null || r.modified_at > max ? r.modified_at : max), null);
      const fresh = newest !== null && now - newest <= L.dailyReportMaxAgeMs;
      return {
        findings: fresh ? [] : [noGo(W.dailyReports)],
        detail: { latest_generated_at: newest === null ? null : new Date(newest).toISOString(), age_h: newest === null ? null : round((now - newest) / HOUR_MS, 1) },
      };
    },
  },
  {
    component: 'paper_streak',
    scope: 'rollout',
    run: ({ marketDays, now }) => {
      const streak = paperStreak(marketDays, now);
      const findings: Finding[] = [];
      if (streak.streak_days < L.streakDays) findings.push(conditional(W.streak.reason(streak.streak_days), W.streak.action));
      if (streak.weeks_counted < L.weeks) findings.push(conditional(W.weeks.reason(streak.weeks_counted), W.weeks.action));
      return { findings, detail: { ...streak, min_streak_days: L.streakDays, min_weeks: L.weeks } };
    },
  },
  {
    component: 'heartbeat',
    scope: 'system',
    run: ({ heartbeat, now }) => {
      const age = heartbeat?.timestamp == null ? null : now - heartbeat.timestamp;
      const recent = age !== null && age < L.heartbeatMaxAgeMs && heartbeat?.status === 'alive';
      return {
        findings: recent ? [] : [conditional(W.heartbeat.reason, W.heartbeat.action)],
        detail: { age_s: age === null ? null : Math.round(age / 1000), heartbeat_status: heartbeat?.status ?? null, max_age_s: L.heartbeatMaxAgeMs / 1000 },
      };
    },
  },
  {
    component: 'turnover',
    scope: 'system',
    run: ({ gateDays }) => {
      const evaluated = gateDays.reduce((sum, d) => sum + d.evaluated, 0);
      const blocked = gateDays.reduce((sum, d) => sum + d.turnover_blocked, 0);
      const rate = evaluated > 0 ? blocked / evaluated : null;
      const shown = rate === null ? null : (rate * 100).toFixed(1);
      let finding: Finding | null = null;
      if (rate === null || shown === null) finding = conditional(W.turnoverUnknown.reason, W.turnoverUnknown.action);
      else if (rate > L.turnoverMax) finding = conditional(W.turnoverHigh.reason(shown), W.turnoverHigh.action);
      else if (rate < L.turnoverMin) finding = conditional(W.turnoverLow.reason(shown), W.turnoverLow.action);
      return {
        findings: finding ? [finding] : [],
        detail: { block_rate_pct: rate === null ? null : round(rate * 100, 2), evaluated, turnover_blocked: blocked, days: gateDays.map((d) => d.day), band_pct: [L.turnoverMin * 100, L.turnoverMax * 100] },
      };
    },
  },
  {
    component: 'execution_realism',
    scope: 'system',
    run: ({ execution }) => ({
      findings: execution.problems.length > 0 ? [conditional(W.executionRealism.reason, W.executionRealism.action)] : [],
      detail: { ...execution },
    }),
  },
  {
    component: 'critical_alerts',
    scope: 'system',
    run: ({ dailyReports, now }) => {
      const recent = dailyReports.filter((r) => now - r.modified_at <= L.alertWindowMs);
      const count = recent.reduce((sum, r) => sum + r.critical_alerts, 0);
      return {
        findings: count > 0 ? [conditional(W.criticalAlerts.reason(count), W.criticalAlerts.action)] : [],
        detail: { count, reports_with_critical: recent.filter((r) => r.critical_alerts > 0).map((r) => r.date) },
      };
    },
  },
  {
    component: 'sign_off',
    scope: 'rollout',
    run: ({ signOffs }) => {
      const latest = signOffs.at(-1) ?? null;
      return { findings: latest ? [] : [conditional(W.signOff.reason, W.signOff.action)], detail: { name: latest?.name ?? null, at: latest?.at ?? null } };
    },
  },
];

function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
