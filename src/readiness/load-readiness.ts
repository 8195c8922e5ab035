import { readJsonFile } from '../io/atomic-write.js';
import type { SafetyLedgerView } from '../ports/safety-store.js';
import type { GateDayStats } from '../risk/gate-stats.js';
import type { PreservationDocument } from '../risk/capital-preservation/preservation-document.js';
import { measureExecutionRealism } from './execution-realism.js';
import { killSwitchState, type KillSwitchPaths } from './kill-switch.js';
import { liveModeSettings } from './live-mode.js';
import { evaluatePromotionGates } from './promotion-gates.js';
import type { HeartbeatSummary, ReadinessInput } from './readiness-input.js';
import { readDailyReports, readWeeklyEvidence } from './report-files.js';

/** The home paths readiness reads (HomePaths fits). */
export interface ReadinessPaths extends KillSwitchPaths {
  readonly heartbeat: string;
  readonly capitalPreservation: string;
  readonly reportsDir: string;
}

const DAY_MS = 86_400_000;
const GATE_WINDOW_DAYS = 7;
const GATE_PREFIX = 'gate.stats.';

/**
 * Gathers the readiness snapshot of a home: files (kill switch, heartbeat, reports, capital
 * preservation) and the ledger's read-only view (`readSafetyLedger` for a CLI, the same for the
 * daemon's HTTP endpoint). Nothing here writes; unreadable files count as missing.
 */
export function loadReadinessInput(args: {
  readonly paths: ReadinessPaths;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly now: number;
  readonly ledger: SafetyLedgerView;
}): ReadinessInput {
  const { paths, env, now, ledger } = args;
  return {
    now,
    killSwitch: killSwitchState(paths, env),
    liveMode: liveModeSettings(env),
    capitalPreservation: preservationOf(ledger, paths.capitalPreservation),
    heartbeat: heartbeatOf(paths.heartbeat),
    dailyReports: readDailyReports(paths.reportsDir, now - 14 * DAY_MS),
    marketDays: ledger.marketDays,
    gateDays: recentGateDays(ledger.settingsWithPrefix(GATE_PREFIX)),
    execution: measureExecutionRealism(ledger.trades, ledger.sameCandleFills),
    signOffs: ledger.signOffs,
    promotion: evaluatePromotionGates({ weeks: readWeeklyEvidence(paths.reportsDir), signOffs: ledger.signOffs, now }),
  };
}

/** The ledger's level (the truth); the state file when the ledger has none; NORMAL when neither exists. */
function preservationOf(ledger: SafetyLedgerView, file: string): ReadinessInput['capitalPreservation'] {
  const stored = ledger.preservation;
  if (stored) {
    const since = stored.state.level_since;
    return { level: stored.state.level, since: since === null ? null : new Date(since).toISOString(), last_reason: stored.transitions.at(-1)?.reason ?? null };
  }
  const doc = safeRead<Partial<PreservationDocument>>(file);
  if (doc && typeof doc.level === 'string') return { level: doc.level, since: doc.since ?? null, last_reason: doc.transitions?.at(-1)?.reason ?? null };
  return { level: 'NORMAL', since: null, last_reason: null };
}

function heartbeatOf(file: string): HeartbeatSummary | null {
  const doc = safeRead<{ timestamp?: unknown; status?: unknown; total_decisions_all_time?: unknown }>(file);
  if (!doc) return null;
  const ts = typeof doc.timestamp === 'string' ? Date.parse(doc.timestamp) : NaN;
  return {
    timestamp: Number.isNaN(ts) ? null : ts,
    status: typeof doc.status === 'string' ? doc.status : null,
    total_decisions_all_time: typeof doc.total_decisions_all_time === 'number' ? doc.total_decisions_all_time : null,
  };
}

/** The gate's counts of the last 7 market days, ending at the latest day that has counts. */
function recentGateDays(settings: ReadonlyMap<string, unknown>): GateDayStats[] {
  const days = [...settings]
    .map(([key, value]) => ({ day: key.slice(GATE_PREFIX.length), stats: value as Partial<GateDayStats> | undefined }))
    .filter((d) => typeof d.stats?.evaluated === 'number' && typeof d.stats.turnover_blocked === 'number')
    .sort((a, b) => (a.day < b.day ? -1 : 1));
  const last = days.at(-1);
  if (!last) return [];
  const from = Date.parse(`${last.day}T00:00:00Z`) - (GATE_WINDOW_DAYS - 1) * DAY_MS;
  return days.filter((d) => Date.parse(`${d.day}T00:00:00Z`) >= from).map((d) => d.stats as GateDayStats);
}

function safeRead<T>(file: string): T | null {
  try {
    return readJsonFile<T>(file) ?? null;
  } catch {
    return null;
  }
}
