import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureHomeFolders, homePaths, type HomePaths } from '../../../src/app/paths.js';
import { writeJsonAtomic } from '../../../src/io/atomic-write.js';
import type { TradeRecord } from '../../../src/model/position.js';
import { SqliteLedger } from '../../../src/persistence/sqlite-ledger.js';
import { SqliteSafetyStore, recordSignOff } from '../../../src/persistence/sqlite-safety-store.js';
import { INITIAL_PRESERVATION_STATE } from '../../../src/risk/capital-preservation/evaluate.js';
import { gateDay, realisticTrade } from './fixtures.js';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
const utcDay = (ms: number) => iso(ms).slice(0, 10);

export interface HomeSetup {
  /** Consecutive market days up to today (wall clock). */
  readonly days?: number;
  readonly signOff?: string | null;
  readonly level?: string | null;
  readonly killSwitchFile?: boolean;
  /** Share of gate decisions the turnover governor blocked today. */
  readonly turnoverBlocked?: number;
  readonly dailyReport?: { readonly overall_health: string; readonly critical: number } | null;
  readonly heartbeatAgeMs?: number | null;
  readonly trades?: ReadonlyArray<Partial<TradeRecord>>;
}

/**
 * A real home whose files and ledger meet every live-rollout criterion at `now` (real wall time:
 * report ages come from file times), each of which `setup` can break.
 */
export function readyHome(setup: HomeSetup = {}, now = Date.now()): { home: string; paths: HomePaths } {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'paperlive-ready-'));
  const paths = homePaths(home);
  ensureHomeFolders(paths);
  const days = setup.days ?? 20;
  const ledger = new SqliteLedger(paths.ledger);
  try {
    for (let i = days - 1; i >= 1; i--) ledger.recordDailyEquity(utcDay(now - i * DAY), 10_000, 10_000);
    if (days > 0) ledger.setSetting('engine.day', { day: utcDay(now), startEquity: 10_000 });
    const blocked = setup.turnoverBlocked ?? 0.3;
    ledger.setSetting(`gate.stats.${utcDay(now)}`, gateDay(utcDay(now), 100, Math.round(blocked * 100)));
    const trades = setup.trades ?? [{}, {}, {}];
    trades.forEach((t, i) => ledger.insertTrade(realisticTrade(now - (i + 1) * 3_600_000, t, `t${i}`)));
    if (setup.signOff !== null) recordSignOff(ledger.database, setup.signOff ?? 'Ada Lovelace', iso(now - DAY));
    if (setup.level) new SqliteSafetyStore(ledger.database).savePreservation({ ...INITIAL_PRESERVATION_STATE, level: setup.level, level_since: now - DAY }, null);
  } finally {
    ledger.close();
  }
  if (setup.heartbeatAgeMs !== null) {
    writeJsonAtomic(paths.heartbeat, { timestamp: iso(now - (setup.heartbeatAgeMs ?? 10_000)), pid: 1, status: 'alive', total_decisions_all_time: 5_000, interval_s: 30 });
  }
  if (setup.dailyReport !== null) {
    const report = setup.dailyReport ?? { overall_health: 'HEALTHY', critical: 0 };
    const alerts = Array.from({ length: report.critical }, (_, i) => ({ level: 'CRITICAL', code: `c${i}`, message: `CLAMP VIOLATION ${i}`, recommendation: 'fix' }));
    writeJsonAtomic(path.join(paths.reportsDir, `daily_shadow_health_${utcDay(now - DAY)}.json`), {
      date: utcDay(now - DAY),
      summary: { overall_health: report.overall_health, alerts: alerts.map((a) => a.message), recommendations: [], alert_details: alerts },
    });
  }
  if (setup.killSwitchFile) fs.writeFileSync(paths.killSwitch, 'manual\n');
  return { home, paths };
}
