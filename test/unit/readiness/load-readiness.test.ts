import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { homePaths } from '../../../src/app/paths.js';
import { writeJsonAtomic } from '../../../src/io/atomic-write.js';
import { UsageError } from '../../../src/model/errors.js';
import { SqliteLedger } from '../../../src/persistence/sqlite-ledger.js';
import { readSafetyLedger, readSignOffs, recordSignOff } from '../../../src/persistence/sqlite-safety-store.js';
import { evaluateReadiness } from '../../../src/readiness/evaluate-readiness.js';
import { loadReadinessInput } from '../../../src/readiness/load-readiness.js';
import { refreshPromotionSummary } from '../../../src/readiness/promotion-summary-file.js';
import { gateDay } from './fixtures.js';
import { readyHome } from './home-fixture.js';

const DAY = 86_400_000;
const load = (paths: ReturnType<typeof homePaths>, env: Record<string, string> = {}, now = Date.now()) => loadReadinessInput({ paths, env, now, ledger: readSafetyLedger(paths.ledger) });

describe('loadReadinessInput', () => {
  it('when the home is empty then everything is missing, nothing is created, and the verdict is NO_GO', () => {
    const { paths } = readyHome({ days: 0, signOff: null, heartbeatAgeMs: null, dailyReport: null, trades: [] });
    fs.rmSync(paths.ledger);
    const input = load(paths);
    expect(input).toMatchObject({ heartbeat: null, dailyReports: [], marketDays: [], gateDays: [], signOffs: [], capitalPreservation: { level: 'NORMAL' }, killSwitch: { active: false } });
    expect(fs.existsSync(paths.ledger)).toBe(false);
    expect(evaluateReadiness(input).live_rollout_readiness).toBe('NO_GO');
  });

  it('when the home meets every criterion then the snapshot shows it and the verdict is GO', () => {
    const { paths } = readyHome();
    const input = load(paths);
    expect(input.marketDays).toHaveLength(20);
    expect(input.gateDays).toHaveLength(1);
    expect(input.signOffs).toEqual([expect.objectContaining({ name: 'Ada Lovelace' })]);
    expect(input.execution).toMatchObject({ trades: 3, problems: [] });
    expect(input.heartbeat).toMatchObject({ status: 'alive', total_decisions_all_time: 5_000 });
    expect(evaluateReadiness(input)).toMatchObject({ live_rollout_readiness: 'GO', overall_readiness: 'GO' });
  });

  it('when the kill switch file exists or the variable is set then the snapshot says which', () => {
    expect(load(readyHome({ killSwitchFile: true }).paths).killSwitch).toEqual({ active: true, file: true, env: false });
    expect(load(readyHome().paths, { LIVE_KILL_SWITCH: 'true' }).killSwitch).toEqual({ active: true, file: false, env: true });
  });

  it('when the ledger has a capital preservation level then it wins over the state file', () => {
    const { paths } = readyHome({ level: 'LOCKDOWN' });
    writeJsonAtomic(paths.capitalPreservation, { level: 'NORMAL', since: null, transitions: [] });
    expect(load(paths).capitalPreservation.level).toBe('LOCKDOWN');
  });

  it('when only the state file has a level then it is used', () => {
    const { paths } = readyHome();
    writeJsonAtomic(paths.capitalPreservation, { level: 'CRISIS', since: '2026-03-01T00:00:00.000Z', transitions: [{ reason: 'gap through the stops' }] });
    expect(load(paths).capitalPreservation).toEqual({ level: 'CRISIS', since: '2026-03-01T00:00:00.000Z', last_reason: 'gap through the stops' });
  });

  it('when daily reports are old, broken or critical then only the last 14 days (and the newest) count and CRITICAL alerts are counted', () => {
    const { paths } = readyHome({ dailyReport: { overall_health: 'CRITICAL', critical: 2 } });
    const old = path.join(paths.reportsDir, 'daily_shadow_health_2026-01-01.json');
    writeJsonAtomic(old, { summary: { overall_health: 'CRITICAL', alerts: ['x'] } });
    const past = (Date.now() - 30 * DAY) / 1000;
    fs.utimesSync(old, past, past);
    fs.writeFileSync(path.join(paths.reportsDir, 'daily_shadow_health_2026-01-02.json'), '{ torn');
    fs.writeFileSync(path.join(paths.reportsDir, 'notes.json'), '{}');
    const torn = path.join(paths.reportsDir, 'daily_shadow_health_2026-01-02.json');
    const twoDaysAgo = (Date.now() - 2 * DAY) / 1000;
    fs.utimesSync(torn, twoDaysAgo, twoDaysAgo);
    const yesterday = new Date(Date.now() - DAY).toISOString().slice(0, 10);
    // By report date; the 30-day-old report is out, the unreadable one counts as a report without a verdict.
    expect(load(paths).dailyReports.map((r) => [r.date, r.overall_health, r.critical_alerts])).toEqual([
      ['2026-01-02', null, 0],
      [yesterday, 'CRITICAL', 2],
    ]);
    const report = evaluateReadiness(load(paths));
    expect(report.live_rollout_reasons).toEqual(['Shadow data collection health is CRITICAL', '2 CRITICAL alert(s) in last 14 days']);
  });

  it('when the gate has counts for 10 days then only the 7 days up to the latest count', () => {
    const { paths } = readyHome();
    const ledger = new SqliteLedger(paths.ledger);
    const day = (i: number) => new Date(Date.now() - i * DAY).toISOString().slice(0, 10);
    for (let i = 0; i < 10; i++) ledger.setSetting(`gate.stats.${day(i)}`, gateDay(day(i), 10, 1));
    ledger.setSetting('gate.stats.broken', 'not stats');
    ledger.close();
    expect(load(paths).gateDays.map((d) => d.day)).toEqual([6, 5, 4, 3, 2, 1, 0].map(day));
  });

  it('when an entry filled on its own signal candle then execution realism counts it', () => {
    const { paths } = readyHome();
    const ledger = new SqliteLedger(paths.ledger);
    const order = { id: 'o1', symbol: 'ETH/USDT', side: 'buy' as const, quantity: 1, reserved: 2_000, createdAt: 1_000, strategy: 's', reason: 'r', positionId: null, stopDistance: 10, targetDistance: null, trailing: null };
    ledger.insertOrder(order, 'pending');
    ledger.insertFill({ orderId: 'o1', symbol: 'ETH/USDT', side: 'buy', quantity: 1, price: 2_000, fee: 2, slippage: 1, ts: 1_000 });
    ledger.insertOrder({ ...order, id: 'o2' }, 'pending');
    ledger.insertFill({ orderId: 'o2', symbol: 'ETH/USDT', side: 'buy', quantity: 1, price: 2_000, fee: 2, slippage: 1, ts: 61_000 });
    ledger.close();
    expect(load(paths).execution.same_candle_fills).toBe(1);
    expect(evaluateReadiness(load(paths)).live_rollout_reasons).toEqual(['Execution realism degradation detected']);
  });

  it('when weekly reports exist then the promotion gates read their figures, and the summary file is written atomically', () => {
    const { paths } = readyHome();
    for (let w = 1; w <= 12; w++) {
      writeJsonAtomic(path.join(paths.reportsDir, `weekly_shadow_report_2026-W${String(w).padStart(2, '0')}.json`), {
        week_number: w,
        counterfactual_evaluation: { evaluated: 100, incremental_sharpe: 0.4, shadow_max_drawdown_pct: 2.5, shadow: { delta_pnl: 10, hit_rate: 0.6, edge_positive: true } },
        summary: { overall_edge_positive: true },
        btc_diagnosis: { improving: true },
      });
    }
    const summary = refreshPromotionSummary(paths, readSafetyLedger(paths.ledger), Date.now());
    expect(summary.verdict).toBe('GO');
    expect(JSON.parse(fs.readFileSync(paths.goNoGo, 'utf8'))).toEqual(summary);
    expect(load(paths).promotion.gates_passed).toBe(7);
  });
});

describe('sign-off and the read-only ledger view', () => {
  it('when a sign-off is recorded then it is trimmed, kept in order, and visible read-only', () => {
    const { paths } = readyHome({ signOff: null });
    const ledger = new SqliteLedger(paths.ledger);
    expect(recordSignOff(ledger.database, '  Grace Hopper ', '2026-03-30T10:00:00.000Z')).toEqual({ name: 'Grace Hopper', at: '2026-03-30T10:00:00.000Z' });
    recordSignOff(ledger.database, 'Ada Lovelace', '2026-03-31T10:00:00.000Z');
    expect(readSignOffs(ledger.database).map((s) => s.name)).toEqual(['Grace Hopper', 'Ada Lovelace']);
    ledger.close();
    expect(readSafetyLedger(paths.ledger).signOffs.map((s) => s.name)).toEqual(['Grace Hopper', 'Ada Lovelace']);
  });

  it.each([[''], ['   ']])('when the name is "%s" then it is refused', (name) => {
    const ledger = new SqliteLedger(readyHome().paths.ledger);
    expect(() => recordSignOff(ledger.database, name, '2026-03-30T10:00:00.000Z')).toThrow(UsageError);
    ledger.close();
  });

  it('when the ledger predates the safety tables then the view still reads it', () => {
    const { paths } = readyHome();
    const ledger = new SqliteLedger(paths.ledger);
    ledger.database.exec('DROP TABLE sign_offs; DROP TABLE capital_preservation_state; DROP TABLE capital_preservation_transitions');
    ledger.close();
    const view = readSafetyLedger(paths.ledger);
    expect(view).toMatchObject({ signOffs: [], preservation: undefined });
    expect(view.trades).toHaveLength(3);
  });
});
