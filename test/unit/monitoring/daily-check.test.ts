import { afterEach, describe, expect, it } from 'vitest';
import { AlertKind, runDailyCheck } from '../../../src/monitoring/production/daily-check.js';
import { autoReevolutionDue, scheduledRequestDue } from '../../../src/monitoring/production/reevolution-schedule.js';
import { seedProduction } from '../../../src/monitoring/production/seed-production.js';
import type { ExpectedMetrics } from '../../../src/monitoring/drift/expected-metrics.js';
import type { SqliteProductionStore } from '../../../src/persistence/sqlite-production-store.js';
import { EXPECTED, repeat, series, settings } from './fixtures.js';
import { AT, openTestStore } from './store.js';

const SETTINGS = settings({ monitoring: { min_days_for_drift: 5, challenger_eval_period: 5, drift_days_before_reevolve: 3, rolling_window: 10 } });
const expectedFor = (): ExpectedMetrics => EXPECTED;

let closers: Array<() => void> = [];
afterEach(() => {
  for (const close of closers) close();
  closers = [];
});

function home(challengers: string[] = ['rsi_revert', 'donchian_breakout']): SqliteProductionStore {
  const t = openTestStore();
  closers.push(t.close);
  seedProduction(t.store, { champion: 'ema_trend', challengers }, 3, AT, '2026-01-01T00:00:00.000Z');
  return t.store;
}

/** Logs each strategy's returns day by day through the daily check; returns every alert raised. */
async function logDays(store: SqliteProductionStore, byStrategy: Record<string, readonly number[]>) {
  const alerts = [];
  const days = Math.max(...Object.values(byStrategy).map((r) => r.length));
  for (let day = 0; day < days; day++) {
    const returns = Object.entries(byStrategy).flatMap(([strategy, values]) => {
      const point = series(values)[day];
      return point ? [{ ...point, strategy, source: 'shadow' }] : [];
    });
    const result = await runDailyCheck({ store, returns, settings: SETTINGS, expectedFor, at: AT, marketTime: `${returns[0]!.date}T23:59:00.000Z` });
    alerts.push(...result.alerts);
  }
  return alerts;
}

const CRASH = [1, 1, 1, 1, -12, -12, -12];

describe('the daily check', () => {
  it('when the champion hits the emergency drawdown then the evaluated challenger with the best positive Sharpe is promoted, with a CRITICAL alert', async () => {
    const store = home();
    const alerts = await logDays(store, { ema_trend: CRASH, rsi_revert: repeat([1.2, -0.8], 4), donchian_breakout: repeat([2.5, -0.5], 4) });
    expect(alerts).toEqual([expect.objectContaining({ level: 'critical', kind: AlertKind.EMERGENCY_PROMOTION, strategy: 'ema_trend' })]);
    expect(alerts[0]!.message).toMatch(/^EMERGENCY: champion ema_trend demoted .*promoted donchian_breakout \(paper Sharpe/);
    const state = store.readState();
    expect(state.champion).toBe('donchian_breakout');
    expect(state.challengers.map((c) => c.id)).toContain('ema_trend');
    expect(store.promotions(1)[0]).toMatchObject({ kind: 'emergency', from: 'ema_trend', to: 'donchian_breakout', reviewer: 'emergency_auto' });
  });

  it.each([
    ['there is no challenger', [], {}, 'there is no challenger to promote'],
    ['no challenger has enough days', ['rsi_revert'], { rsi_revert: [1, 2] }, 'no challenger has challenger_eval_period days'],
    ['no challenger has a positive Sharpe', ['rsi_revert'], { rsi_revert: repeat([-1.2, 0.8], 4) }, 'no challenger has a positive paper Sharpe (best: rsi_revert at'],
  ])('when %s then the champion stays and a CRITICAL alert says why', async (_what, challengers, others, reason) => {
    const store = home(challengers);
    const alerts = await logDays(store, { ema_trend: CRASH, ...others });
    const emergency = alerts.filter((a) => a.kind === AlertKind.EMERGENCY_PROMOTION_REFUSED);
    expect(emergency.length).toBeGreaterThan(0);
    expect(emergency[0]).toMatchObject({ level: 'critical' });
    expect(emergency[0]!.message).toContain(reason);
    expect(store.readState().champion).toBe('ema_trend');
  });

  it('when the champion drifts on drift_days_before_reevolve consecutive days then one re-evolution request is opened', async () => {
    const store = home([]);
    // A negative Sharpe against a threshold of 1 from day 5 on: drift days 1, 2, 3 (request), 4 (no duplicate).
    const alerts = await logDays(store, { ema_trend: repeat([-0.5, 0.3], 4) });
    expect(alerts.map((a) => a.kind)).toEqual([AlertKind.REEVOLUTION_REQUESTED]);
    expect(store.driftCounter('ema_trend')).toMatchObject({ consecutive: 4, total: 4, counted_through: '2026-01-08' });
    expect(store.readState().reevolution_requested).toBe(true);
    expect(store.reevolutionRequests('open')).toEqual([expect.objectContaining({ source: 'drift', reason: expect.stringContaining('ema_trend: Rolling Sharpe') })]);
  });

  it('when a challenger drifts then its days are counted but nothing is requested or promoted', async () => {
    const store = home();
    const alerts = await logDays(store, { rsi_revert: [...repeat([-0.5, 0.3], 4), -30] });
    expect(alerts).toEqual([]);
    expect(store.driftCounter('rsi_revert')?.consecutive).toBeGreaterThan(0);
    expect(store.readState().champion).toBe('ema_trend');
  });

  it('when the same day is logged again then the drift day is recounted, not added', async () => {
    const store = home([]);
    await logDays(store, { ema_trend: repeat([-0.5, 0.3], 3) });
    const before = store.driftCounter('ema_trend');
    expect(before?.consecutive).toBe(2);
    await runDailyCheck({ store, returns: [{ date: '2026-01-06', strategy: 'ema_trend', return_pct: 0.3, source: 'manual' }], settings: SETTINGS, expectedFor, at: AT, marketTime: AT });
    expect(store.driftCounter('ema_trend')).toEqual(before);
  });
});

describe('re-evolution schedules', () => {
  it.each([
    ['', null, '2026-03-01T00:00:00Z', false],
    ['weekly', null, '2026-03-01T00:00:00Z', true],
    ['weekly', '2026-02-25T00:00:00Z', '2026-03-01T00:00:00Z', false],
    ['weekly', '2026-02-22T00:00:00Z', '2026-03-01T00:00:00Z', true],
    ['monthly', '2026-02-01T00:00:00Z', '2026-03-01T00:00:00Z', false],
    ['monthly', '2026-01-30T00:00:00Z', '2026-03-01T00:00:00Z', true],
  ])('when the schedule is "%s" and the last request was %s then at %s a request is due: %s', (schedule, last, at, due) => {
    expect(scheduledRequestDue(schedule, last, at)).toBe(due);
  });

  it.each([
    [true, 'weekly', true, null, true],
    [true, 'weekly', false, null, false],
    [false, 'weekly', true, null, false],
    [true, 'manual', true, null, false],
    [true, 'daily', true, '2026-02-28T12:00:00Z', false],
    [true, 'daily', true, '2026-02-28T00:00:00Z', true],
  ])('when challenger evolution is %s/%s with an open request %s, last run %s, then the daemon may run it: %s', (enabled, schedule, open, lastRun, due) => {
    expect(autoReevolutionDue({ challenger_evolution_enabled: enabled, challenger_evolution_schedule: schedule }, open, lastRun, '2026-03-01T00:00:00Z')).toBe(due);
  });

  it('when reevolution.schedule is weekly then the daily check opens a scheduled request once a week', async () => {
    const store = home([]);
    const weekly = { ...SETTINGS, reevolution: { ...SETTINGS.reevolution, schedule: 'weekly' as const } };
    const check = (at: string) => runDailyCheck({ store, returns: [{ date: at.slice(0, 10), strategy: 'ema_trend', return_pct: 0.1, source: 'paper' }], settings: weekly, expectedFor, at, marketTime: at });
    expect((await check('2026-03-01T00:00:00.000Z')).alerts.map((a) => a.kind)).toEqual([AlertKind.REEVOLUTION_SCHEDULED]);
    store.resolveReevolutionRequests('done', 'ran', '2026-03-01T01:00:00.000Z');
    expect((await check('2026-03-03T00:00:00.000Z')).alerts).toEqual([]);
    expect((await check('2026-03-08T00:00:00.000Z')).alerts.map((a) => a.kind)).toEqual([AlertKind.REEVOLUTION_SCHEDULED]);
    expect(store.reevolutionRequests().map((r) => r.source)).toEqual(['schedule', 'schedule']);
  });
});
