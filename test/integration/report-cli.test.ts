import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { createReportSchedule } from '../../src/app/report-sources.js';
import { TURNOVER_REASONS } from '../../src/model/reason-codes.js';
import { DAILY_SCHEMA, nonFiniteNumbers, schemaProblems, WEEKLY_SCHEMA } from '../unit/reports/daily/schema.js';
import { shadowFixture } from '../unit/reports/weekly/shadow-fixture.js';
import { xmlProblems } from '../unit/reports/weekly/xml-check.js';
import { FAST_REPLAY, REPLAY_DATA, ROOT, cli, readLines, tempHome, writeConfig } from '../support/daemon.js';

/*
 * The reports on a replayed week: the real daemon trades a week of the bundled candles in a
 * temp home, shadow lines made from the same real candles are added (shadow mode may not
 * write them yet), and `report daily` / `report weekly` must describe exactly what the home
 * holds. Figures are checked against the ledger and the logs read independently here.
 */

const FROM = '2023-03-20T00:00:00Z';
const TO = '2023-03-27T00:00:00Z';
const DAYS = ['2023-03-20', '2023-03-21', '2023-03-22', '2023-03-23', '2023-03-24', '2023-03-25', '2023-03-26'];
/** The test config: FAST_REPLAY, but BTC keeps the runbook's spacing and daily cap so the turnover diagnosis has something to count. */
const CONFIG = FAST_REPLAY.replace(/^gate:.*$/m, 'gate: { min_confidence: 0, min_ev_cost_ratio: 0, per_symbol: { "BTC/USDT": { min_interval_s: 14400, max_entries_per_day: 3 } } }');
const RUN_REPORT = "import('./dist/cli/commands/report.js').then(m => m.reportCommand(process.argv.slice(1))).then(c => process.exit(c), e => { console.error(e.message); process.exit(e.exitCode ?? (e.name === 'UsageError' ? 2 : 1)) })";

/** `paperlive report …` through the built command (main.ts registers it; this calls it directly). */
function report(args: string[]) {
  return execa('node', ['--input-type=module', '-e', RUN_REPORT, '--', ...args], { cwd: ROOT, reject: false, timeout: 60_000 });
}

let home: string;
let shadowLines: Array<Record<string, unknown>>;
let daemonShadow: string | null = null;

const reportsDir = () => path.join(home, 'data', 'reports');
const readReport = (name: string) => JSON.parse(fs.readFileSync(path.join(reportsDir(), name), 'utf8'));
const ledgerRows = <T>(sql: string, ...params: unknown[]): T[] => {
  const db = new Database(path.join(home, 'data', 'paperlive.sqlite'), { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
};
const signalLines = () => readLines(path.join(home, 'logs', 'signals.jsonl')).map((l) => JSON.parse(l));
const decisionsOn = (from: string, to: string) => shadowLines.filter((l) => l.type === 'decision' && String(l.market_time) >= from && String(l.market_time) < to);

beforeAll(async () => {
  home = tempHome('paperlive-report-');
  writeConfig(home, CONFIG);
  const run = await cli(['run', '--home', home, '--feed', 'replay', '--data', REPLAY_DATA, '--speed', 'max', '--exit-at-end', '--from', FROM, '--to', TO], { timeout: 120_000 });
  expect(run.exitCode, run.stderr).toBe(0);
  const shadowFile = path.join(home, 'data', 'rl', 'shadow_decisions.jsonl');
  // Shadow mode may already write its own lines: keep them aside for their own check, and use the known fixture here.
  if (fs.existsSync(shadowFile)) {
    daemonShadow = path.join(home, 'data', 'rl', 'shadow_decisions.daemon.jsonl');
    fs.renameSync(shadowFile, daemonShadow);
  }
  shadowLines = shadowFixture({ from: Date.parse('2023-03-13T00:00:00Z'), to: Date.parse(TO), advisor: true }).lines;
  const first = shadowLines.find((l) => l.type === 'decision')!;
  fs.mkdirSync(path.dirname(shadowFile), { recursive: true });
  // A replayed batch repeats a line, and a crash tore the last one: both must be survived and said.
  fs.writeFileSync(shadowFile, `${[...shadowLines, first].map((l) => JSON.stringify(l)).join('\n')}\n{"type":"decision","id":"torn`);
  fs.writeFileSync(
    path.join(home, 'data', 'rl', 'strategy_weights.json'),
    JSON.stringify({
      schema_version: 1,
      updated_at: '2023-03-22T12:00:00.000Z',
      market_time: '2023-03-22T12:00:00.000Z',
      max_daily_shift: 0.1,
      day: '2023-03-22',
      weights: { ema_trend: 0.4, rsi_revert: 0.6 },
      day_open_weights: { ema_trend: 0.5, rsi_revert: 0.5 },
      history: [
        { at: 'x', market_time: '2023-03-21T09:00:00.000Z', day: '2023-03-21', advisor: 'weighting_advisor', event: 'shift', severity: 'info', strategy: 'rsi_revert', from: 0.5, requested: 0.55, applied: 0.55, requested_shift: 0.05, applied_shift: 0.05, clamped: false, reason: 'within the clamp' },
        { at: 'x', market_time: '2023-03-22T12:00:00.000Z', day: '2023-03-22', advisor: 'weighting_advisor', event: 'shift', severity: 'critical', strategy: 'rsi_revert', from: 0.5, requested: 0.8, applied: 0.6, requested_shift: 0.3, applied_shift: 0.1, clamped: true, reason: 'past the clamp' },
      ],
    }),
  );
  fs.writeFileSync(
    path.join(home, 'data', 'capital_preservation_state.json'),
    JSON.stringify({ schema_version: 1, level: 'CAUTION', since: '2023-03-23T15:00:00.000Z', transitions: [{ at: '2023-03-23T15:00:00.000Z', from: 'NORMAL', to: 'CAUTION', trigger: 'drawdown', reason: 'drawdown 3.1 % crossed 3 %' }] }),
  );
}, 180_000);

describe('paperlive report daily on a replayed week', () => {
  it.each(DAYS)('when the report of %s is asked for then it has the reference schema and the figures of the ledger and the logs', async (day) => {
    const result = await report(['daily', '--home', home, '--date', day, '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const printed = JSON.parse(result.stdout);
    const written = readReport(`daily_shadow_health_${day}.json`);
    expect(printed).toEqual(written);
    expect(schemaProblems(written, DAILY_SCHEMA)).toEqual([]);
    expect(nonFiniteNumbers(written)).toEqual([]);

    const trades = ledgerRows<{ net_pnl: number }>('SELECT net_pnl FROM trades WHERE substr(closed_at, 1, 10) = ?', day);
    expect(written.paper_account.trades_today).toBe(trades.length);
    expect(written.paper_account.net_pnl).toBeCloseTo(trades.reduce((s, t) => s + t.net_pnl, 0), 6);
    const stored = ledgerRows<{ value: string }>('SELECT value FROM settings WHERE key = ?', `gate.stats.${day}`)[0];
    const gate = JSON.parse(stored!.value);
    expect(written.tradegate).toMatchObject({ source: 'ledger', rejections_today: gate.rejected, rejection_reasons: gate.rejection_reasons, evaluated: gate.evaluated });
    expect(written.paper_account.signals_today).toBe(signalLines().filter((s) => s.market_time.startsWith(day)).length);

    const decisions = decisionsOn(`${day}T`, `${day}T~`);
    expect(written.shadow_collection.decisions_today).toBe(decisions.length);
    expect(written.shadow_collection.logging_healthy).toBe(decisions.length > 0);
    expect(written.shadow_collection.total_all_time).toBe(decisionsOn('2023', `${day}T~`).length);
    expect(written.data_sources.issues.join(' ')).toContain('shadow_decisions.jsonl: skipped 1 line(s)');
  });

  it('when an advisor asked past the clamp that day then the report is CRITICAL with the runbook\'s CLAMP VIOLATION alert', () => {
    const r = readReport('daily_shadow_health_2023-03-22.json');
    expect(r.strategy_weighting).toMatchObject({ enabled: true, shifts_today: 1, max_shift_observed: 0.1, clamp_exceeded: true, clamped_today: 1 });
    expect(r.summary.overall_health).toBe('CRITICAL');
    expect(r.summary.alerts.some((a: string) => a.startsWith('CLAMP VIOLATION: Strategy rsi_revert shifted +30.0%, exceeds max 10%'))).toBe(true);
    const dayBefore = readReport('daily_shadow_health_2023-03-21.json');
    expect(dayBefore.strategy_weighting).toMatchObject({ shifts_today: 1, max_shift_observed: 0.05, clamp_exceeded: false });
  });

  it('when capital preservation changed level that day then the report shows the lower-case level, the transition and an alert', () => {
    const r = readReport('daily_shadow_health_2023-03-23.json');
    expect(r.capital_preservation).toEqual(expect.objectContaining({ current_level: 'caution', transitions_today: 1, alert: true }));
    expect(r.summary.alert_details.map((a: { code: string }) => a.code)).toContain('capital_preservation_change');
  });

  it('when no date is given then the report is of the day of the ledger\'s latest market time', async () => {
    const result = await report(['daily', '--home', home]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Daily shadow health 2023-03-26: (HEALTHY|WARNING|CRITICAL)/);
    expect(result.stdout).toContain(`Wrote ${path.join(reportsDir(), 'daily_shadow_health_2023-03-26.json')}`);
  });
});

describe('paperlive report weekly on a replayed week', () => {
  let weekly: any;
  beforeAll(async () => {
    const result = await report(['weekly', '--home', home, '--week', '12', '--year', '2023', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    weekly = JSON.parse(result.stdout);
  });

  it('when written then the JSON has the reference schema, equals what was printed and holds no NaN', () => {
    expect(readReport('weekly_shadow_report_2023-W12.json')).toEqual(weekly);
    expect(schemaProblems(weekly, WEEKLY_SCHEMA)).toEqual([]);
    expect(nonFiniteNumbers(weekly)).toEqual([]);
    expect(weekly).toMatchObject({ week: '2023-W12', week_number: 12, week_start: '2023-03-20', week_ending: '2023-03-26', week_complete: true });
  });

  it('when counted independently then decisions, symbols, regimes and trades agree with the home', () => {
    const decisions = decisionsOn('2023-03-20T', '2023-03-27T');
    expect(weekly.data_collection.total_decisions).toBe(decisions.length);
    const bySymbol: Record<string, number> = {};
    const byRegime: Record<string, number> = {};
    for (const d of decisions) {
      bySymbol[d.symbol as string] = (bySymbol[d.symbol as string] ?? 0) + 1;
      byRegime[d.regime as string] = (byRegime[d.regime as string] ?? 0) + 1;
    }
    expect(weekly.data_collection.by_symbol).toEqual(bySymbol);
    expect(weekly.data_collection.by_regime).toEqual(byRegime);
    expect(weekly.data_collection.weeks_collected).toBe(2);
    const trades = ledgerRows<{ fees: number; slippage: number }>("SELECT json_extract(body, '$.fees') AS fees, json_extract(body, '$.slippage') AS slippage FROM trades WHERE closed_at >= '2023-03-20' AND closed_at < '2023-03-27'");
    expect(weekly.cost_decomposition.trades).toBe(trades.length);
    expect(weekly.cost_decomposition.fees).toBeCloseTo(trades.reduce((s, t) => s + t.fees, 0), 6);
    expect(weekly.cost_decomposition.slippage).toBeCloseTo(trades.reduce((s, t) => s + t.slippage, 0), 6);
    expect(weekly.paper_account.trades).toBe(trades.length);
  });

  it('when the counterfactual is evaluated then every shadow figure is over entries with a 1h outcome', () => {
    const c = weekly.counterfactual_evaluation;
    expect(c.primary_horizon).toBe('1h');
    const entries = decisionsOn('2023-03-20T', '2023-03-27T').filter((d) => d.action === 'long');
    expect(c.entry_decisions).toBe(entries.length);
    expect(c.shadow.decisions + c.champion.decisions).toBe(entries.length);
    expect(c.evaluated + c.pending).toBe(entries.length);
    const symbolsSum = Object.values<{ decisions: number }>(weekly.symbol_edge_analysis).reduce((s, e) => s + e.decisions, 0);
    expect(symbolsSum).toBe(c.shadow.decisions);
    expect(Object.keys(c.by_strategy).sort()).toEqual(['donchian_breakout', 'ema_trend', 'rsi_revert', 'weighting_advisor']);
  });

  it('when thresholds are swept then there are nine, each keeping no more decisions than the one before', () => {
    const rows = weekly.confidence_sweep.results as Array<{ threshold: number; evaluated: number }>;
    expect(rows.map((r) => r.threshold)).toEqual([0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9]);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.evaluated).toBeLessThanOrEqual(rows[i - 1]!.evaluated);
  });

  it('when BTC is diagnosed then its signals and turnover blocks are those of the signal log', () => {
    const btc = signalLines().filter((s) => s.symbol === 'BTC/USDT' && s.direction !== 'exit' && s.market_time >= '2023-03-20' && s.market_time < '2023-03-27');
    const blocked = btc.filter((s) => !s.executed && TURNOVER_REASONS.has(s.gate.reasons[0]));
    expect(weekly.btc_diagnosis).toMatchObject({ symbols: ['BTC/USDT'], entry_signals: btc.length, executed_entries: btc.filter((s) => s.executed).length, turnover_blocked: blocked.length });
    expect(blocked.length).toBeGreaterThan(0);
    expect(weekly.btc_diagnosis.primary_cause).toEqual(expect.any(String));
  });

  it('when compared with the week before then drift uses the prior week\'s shadow decisions', () => {
    expect(weekly.drift_check.prior_week).toBe('2023-W11');
    expect(weekly.drift_check.metrics.shadow_decisions).toMatchObject({ this_week: decisionsOn('2023-03-20T', '2023-03-27T').length, prior_week: decisionsOn('2023-03-13T', '2023-03-20T').length });
    expect(weekly.drift_check.prior_week_has_data).toBe(true);
    expect(typeof weekly.drift_check.drift_detected).toBe('boolean');
  });

  it('when written then the summary .md and the well-formed .svg charts sit beside the JSON', () => {
    const md = fs.readFileSync(path.join(reportsDir(), 'weekly_shadow_report_2023-W12.md'), 'utf8');
    for (const heading of ['# Weekly shadow report 2023-W12', '## Counterfactual evaluation (horizon 1h)', '## Edge by symbol', '## Edge by regime', '## Costs', '## Confidence threshold sweep', '## Drift vs 2023-W11', '## BTC turnover diagnosis', '## Promotion gates']) expect(md).toContain(heading);
    const svg = fs.readFileSync(path.join(reportsDir(), 'weekly_shadow_report_2023-W12.svg'), 'utf8');
    expect(xmlProblems(svg)).toEqual([]);
    expect(svg).toContain('data-series="champion (paper)"');
    expect(svg.match(/class="panel bar-chart"/g)).toHaveLength(2);
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  it('when no week is given then the report is of the ISO week of the ledger\'s latest market time, and the markdown is printed', async () => {
    const result = await report(['weekly', '--home', home]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('# Weekly shadow report 2023-W12');
    expect(result.stdout).toContain('weekly_shadow_report_2023-W12.svg');
  });
});

describe('paperlive report on an empty home', () => {
  it.each([
    ['daily', ['daily', '--date', '2023-03-22'], 'daily_shadow_health_2023-03-22.json'],
    ['weekly', ['weekly', '--week', '12', '--year', '2023'], 'weekly_shadow_report_2023-W12.json'],
  ])('when the %s report is asked for then it is written and says "no data" instead of numbers', async (kind, args, file) => {
    const empty = tempHome('paperlive-report-empty-');
    const result = await report([...args, '--home', empty, '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const written = JSON.parse(fs.readFileSync(path.join(empty, 'data', 'reports', file), 'utf8'));
    expect(schemaProblems(written, kind === 'daily' ? DAILY_SCHEMA : WEEKLY_SCHEMA)).toEqual([]);
    expect(JSON.stringify(written)).toContain('no data');
    if (kind === 'daily') {
      expect(written.summary.overall_health).toBe('WARNING');
      expect(written.data_sources).toMatchObject({ ledger: false, signals_log: false, shadow_decisions: false });
    } else {
      expect(written.summary).toMatchObject({ overall_edge_positive: null, edge_stable_across_regimes: null });
      const svg = fs.readFileSync(path.join(empty, 'data', 'reports', 'weekly_shadow_report_2023-W12.svg'), 'utf8');
      expect(xmlProblems(svg)).toEqual([]);
      expect(svg.match(/no data/g)?.length).toBeGreaterThanOrEqual(4);
    }
  });
});

describe('paperlive report usage errors', () => {
  it.each([
    [['daily', '--date', '2023-02-30'], '--date "2023-02-30" is not a calendar date of the form YYYY-MM-DD'],
    [['daily', '--date', 'yesterday'], '--date "yesterday" is not a calendar date'],
    [['weekly', '--week', '53', '--year', '2023'], '--week "53" is not an ISO week of 2023 (1 … 52)'],
    [['weekly', '--week', '0'], 'is not an ISO week of'],
    [['weekly', '--week', '12', '--year', '23'], '--year "23" is not a four-digit year'],
    [['weekly', '--year', '2023'], '--year needs --week N'],
    [['weekly', '--date', '2023-03-22'], 'report weekly'],
    [['monthly'], 'unknown report "monthly" (reports: daily, weekly)'],
  ])('when called with %j then it exits 2 with one sentence', async (args, message) => {
    const result = await report([...args, '--home', tempHome('paperlive-report-usage-')]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('createReportSchedule over the replayed week', () => {
  it('when market time rolls day by day then each day\'s report is written once, the day before the session is skipped, and the week at its roll', () => {
    const scheduled = tempHome('paperlive-report-schedule-');
    fs.cpSync(home, scheduled, { recursive: true });
    fs.rmSync(path.join(scheduled, 'data', 'reports'), { recursive: true, force: true });
    const schedule = createReportSchedule({ home: scheduled, startingBalance: 10_000, now: () => Date.parse('2026-01-01T00:00:00Z') });
    const written: string[] = [];
    for (let t = Date.parse(FROM) + 60_000; t <= Date.parse(TO) + 60_000; t += 15 * 60_000) written.push(...schedule.onMarketTime(t));
    // The day before the session had shadow decisions (the fixture starts a week earlier), so it gets one.
    const names = written.map((f) => path.basename(f));
    expect(names.filter((n) => n.startsWith('daily_'))).toEqual(['2023-03-19', ...DAYS].map((d) => `daily_shadow_health_${d}.json`));
    expect(names.filter((n) => n.startsWith('weekly_'))).toEqual(['weekly_shadow_report_2023-W11.json', 'weekly_shadow_report_2023-W11.md', 'weekly_shadow_report_2023-W11.svg', 'weekly_shadow_report_2023-W12.json', 'weekly_shadow_report_2023-W12.md', 'weekly_shadow_report_2023-W12.svg']);
    expect(new Set(names).size).toBe(names.length);
  });

  it('when the day before the session has no data at all then no report is written for it', () => {
    const scheduled = tempHome('paperlive-report-schedule-empty-');
    fs.cpSync(home, scheduled, { recursive: true });
    fs.rmSync(path.join(scheduled, 'data', 'reports'), { recursive: true, force: true });
    fs.rmSync(path.join(scheduled, 'data', 'rl', 'shadow_decisions.jsonl'));
    const schedule = createReportSchedule({ home: scheduled, startingBalance: 10_000, now: () => 0, weekly: false });
    expect(schedule.onMarketTime(Date.parse(FROM) + 60_000)).toEqual([]);
    expect(schedule.onMarketTime(Date.parse(FROM) + 120_000)).toEqual([]);
    expect(schedule.onMarketTime(Date.parse('2023-03-21T00:00:00Z')).map((f) => path.basename(f))).toEqual(['daily_shadow_health_2023-03-20.json']);
  });
});

describe('shadow mode\'s own log, when the daemon wrote one', () => {
  it('when the daemon wrote shadow decisions then the weekly report reads every one of them without an invalid line', async () => {
    if (daemonShadow === null) return; // shadow mode not wired into this build yet
    const copy = tempHome('paperlive-report-daemon-shadow-');
    fs.cpSync(home, copy, { recursive: true });
    fs.copyFileSync(daemonShadow, path.join(copy, 'data', 'rl', 'shadow_decisions.jsonl'));
    const result = await report(['weekly', '--home', copy, '--week', '12', '--year', '2023', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const r = JSON.parse(result.stdout);
    const ids = new Set(readLines(daemonShadow).map((l) => JSON.parse(l)).filter((l) => l.type === 'decision' && l.market_time >= '2023-03-20' && l.market_time < '2023-03-27').map((l) => l.id));
    expect(r.data_collection.total_decisions).toBe(ids.size);
    expect(r.data_sources.issues.filter((i: string) => i.includes('neither a decision nor an outcome'))).toEqual([]);
  });
});
