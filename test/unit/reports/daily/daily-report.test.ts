import { describe, expect, it } from 'vitest';
import { buildDailyReport } from '../../../../src/reports/daily/daily-report.js';
import { dailyReportFiles } from '../../../../src/reports/daily/daily-report-files.js';
import type { ReportInputs } from '../../../../src/reports/daily/report-inputs.js';
import { DAILY_SCHEMA, expectSchema, nonFiniteNumbers } from './schema.js';
import { decision, gateDay, makeInputs, outcome, signal, trade } from './fixtures.js';

const DAY = '2023-03-22';
const at = (time: string) => `${DAY}T${time}:00.000Z`;

/** A day on which everything is in order: decisions, a normal level, a small shift, a gate in its band. */
function healthyDay(patch: Partial<ReportInputs> = {}): ReportInputs {
  const d1 = decision(at('10:00'));
  const d2 = decision(at('11:00'));
  return makeInputs({
    shadowLines: [d1, d2, outcome(d1.id)],
    gateStats: { [DAY]: gateDay(DAY, 20, { turnover_min_interval: 4, portfolio_heat: 2 }, 4) },
    signals: [signal(at('10:00'))],
    capitalPreservation: { level: 'NORMAL', transitions: [] },
    weights: { weights: { a: 0.55, b: 0.45 }, updated_at: null, max_daily_shift: 0.1, history: [{ day: DAY, strategy: 'a', requested_shift: 0.05, applied_shift: 0.05, clamped: false }] },
    present: { ledger: true, signals: true, shadow: true, weights: true, capitalPreservation: true },
    ...patch,
  });
}

describe('buildDailyReport', () => {
  it('when the home is empty then every reference key is there with its type, the numbers are zeros or null and the notes say "no data"', () => {
    const report = buildDailyReport(makeInputs(), DAY);
    expectSchema(report, DAILY_SCHEMA);
    expect(report.shadow_collection).toMatchObject({ logging_healthy: false, decisions_today: 0, pending_decisions: 0, total_all_time: 0 });
    expect(report.shadow_collection.note).toMatch(/^no data/);
    expect(report.capital_preservation).toMatchObject({ current_level: null, alert: false });
    expect(report.capital_preservation.note).toMatch(/^no data/);
    expect(report.strategy_weighting).toMatchObject({ enabled: false, max_shift_observed: null, clamp_exceeded: false });
    expect(report.tradegate).toMatchObject({ rejections_today: 0, source: 'none', rejection_rate: null });
    expect(report.summary.overall_health).toBe('WARNING');
    expect(report.summary.alert_details.map((a) => a.code)).toEqual(['no_data']);
  });

  it('when everything is in order then the report is HEALTHY with no alerts', () => {
    const report = buildDailyReport(healthyDay(), DAY);
    expectSchema(report, DAILY_SCHEMA);
    expect(report.summary).toMatchObject({ overall_health: 'HEALTHY', alerts: [], recommendations: [] });
    expect(report.shadow_collection).toMatchObject({ logging_healthy: true, decisions_today: 2, pending_decisions: 1, total_all_time: 2, outcomes_today: 1 });
    expect(report.capital_preservation.current_level).toBe('normal');
    expect(report.tradegate).toMatchObject({ rejections_today: 6, evaluated: 20, allowed: 14, rejection_rate: 0.3, turnover_block_rate: 0.2, source: 'ledger' });
  });

  it.each([
    ['an advisor asked past the clamp', { weights: { weights: {}, updated_at: null, max_daily_shift: 0.1, history: [{ day: DAY, strategy: 'a', requested_shift: 0.15, applied_shift: 0.1, clamped: true }] } }, 'CRITICAL', 'clamp_violation', /CLAMP VIOLATION: Strategy a shifted \+15\.0%, exceeds max 10% \(the clamp held/],
    ['a weight moved past the clamp', { weights: { weights: {}, updated_at: null, max_daily_shift: 0.1, history: [{ day: DAY, strategy: 'b', requested_shift: null, applied_shift: -0.12, clamped: false }] } }, 'CRITICAL', 'clamp_violation', /Strategy b shifted -12\.0%.*did NOT hold/],
    ['capital preservation in LOCKDOWN', { capitalPreservation: { level: 'LOCKDOWN', transitions: [{ at: at('09:00'), from: 'DEFENSIVE', to: 'LOCKDOWN', reason: 'drawdown' }] } }, 'CRITICAL', 'capital_preservation_halt', /Capital preservation in LOCKDOWN/],
    ['a level change short of lockdown', { capitalPreservation: { level: 'CAUTION', transitions: [{ at: at('09:00'), from: 'NORMAL', to: 'CAUTION', reason: 'loss streak' }] } }, 'WARNING', 'capital_preservation_change', /caution after 1 transition/],
    ['no shadow decision while the engine worked', { shadow: makeInputs().shadow }, 'CRITICAL', 'shadow_logging_stopped', /Shadow logging stopped: 0 shadow decisions on 2023-03-22 while the engine logged 1 signals/],
    ['a rejection rate of 80 %', { gateStats: { [DAY]: gateDay(DAY, 10, { portfolio_heat: 7, turnover_max_daily: 1 }, 1) } }, 'WARNING', 'high_rejection_rate', /High TradeGate rejection rate: 80% \(8 of 10/],
    ['a turnover block rate above 70 %', { gateStats: { [DAY]: gateDay(DAY, 20, { turnover_min_interval: 15 }, 15) } }, 'WARNING', 'turnover_block_rate_high', /Turnover block rate \(75%\) exceeds 70%/],
    ['a turnover block rate below 5 %', { gateStats: { [DAY]: gateDay(DAY, 40, { portfolio_heat: 1 }, 1) } }, 'WARNING', 'turnover_block_rate_low', /below 5%/],
    ['torn lines in a log', { issues: ['logs/signals.jsonl: skipped 1 line(s) that do not parse (line 9)'] }, 'WARNING', 'unreadable_input', /could not be read in full/],
  ].map(([what, patch, health, code, message]) => ({ what, patch, health, code, message })))('when $what then the report is $health with alert $code', ({ patch, health, code, message }) => {
    const report = buildDailyReport(healthyDay(patch as Partial<ReportInputs>), DAY);
    expect(report.summary.overall_health).toBe(health);
    const alert = report.summary.alert_details.find((a) => a.code === code);
    expect(alert?.message).toMatch(message as RegExp);
    expect(report.summary.alerts).toContain(alert?.message);
    expect(report.summary.recommendations).toContain(alert?.recommendation);
  });

  it('when fewer than 10 entries were judged then rates are reported but not alerted on', () => {
    const report = buildDailyReport(healthyDay({ gateStats: { [DAY]: gateDay(DAY, 5, { portfolio_heat: 5 }, 0) } }), DAY);
    expect(report.tradegate.rejection_rate).toBe(1);
    expect(report.summary.overall_health).toBe('HEALTHY');
  });

  it('when the ledger has no gate counts for the day then they are recounted from the signal log by deciding reason', () => {
    const signals = [
      signal(at('01:00')),
      signal(at('02:00'), { executed: false, reasons: ['turnover_min_interval', 'portfolio_heat'] }),
      signal(at('03:00'), { executed: false, reasons: ['portfolio_heat'] }),
      signal(at('04:00'), { direction: 'exit' }),
      signal('2023-03-23T00:00:00.000Z', { executed: false, reasons: ['portfolio_heat'] }),
    ];
    const report = buildDailyReport(healthyDay({ gateStats: {}, signals }), DAY);
    expect(report.tradegate).toMatchObject({ source: 'signals_log', evaluated: 3, allowed: 1, rejections_today: 2, rejection_reasons: { portfolio_heat: 1, turnover_min_interval: 1 }, turnover_blocked: 1 });
    expect(report.paper_account.signals_today).toBe(4);
  });

  it('when a strategy is shifted several times in a day then its move is the largest shift from the opening weight', () => {
    const history = [
      { day: DAY, strategy: 'a', requested_shift: 0.03, applied_shift: 0.03, clamped: false },
      { day: DAY, strategy: 'a', requested_shift: 0.07, applied_shift: 0.07, clamped: false },
      { day: DAY, strategy: 'b', requested_shift: -0.07, applied_shift: -0.07, clamped: false },
      { day: '2023-03-21', strategy: 'a', requested_shift: 0.09, applied_shift: 0.09, clamped: false },
    ];
    const report = buildDailyReport(healthyDay({ weights: { weights: { a: 0.57, b: 0.43 }, updated_at: null, max_daily_shift: 0.1, history } }), DAY);
    expect(report.strategy_weighting).toMatchObject({ enabled: true, shifts_today: 3, max_shift_observed: 0.07, clamp_exceeded: false, clamped_today: 0, weights: { a: 0.57, b: 0.43 } });
  });

  it('when trades closed on the day and around it then only the day\'s are summed, and the equity row is the ledger\'s', () => {
    const trades = [trade(at('05:00'), { net_pnl: 3, fees: 0.5, slippage: 0.25 }), trade(at('23:59'), { net_pnl: -1, fees: 0.5, slippage: 0.25 }), trade('2023-03-23T00:00:00.000Z', { net_pnl: 100 })];
    const report = buildDailyReport(healthyDay({ trades, dailyEquity: [{ day: DAY, equity: 10_002, balance: 10_002 }] }), DAY);
    expect(report.paper_account).toMatchObject({ trades_today: 2, wins: 1, losses: 1, net_pnl: 2, fees: 1, slippage: 0.5, equity_end_of_day: 10_002 });
  });

  it('when the engine has processed a candle of the next day then market_day_closed is true', () => {
    expect(buildDailyReport(healthyDay({ marketTime: Date.parse('2023-03-23T00:00:00Z') }), DAY).market_day_closed).toBe(true);
    expect(buildDailyReport(healthyDay({ marketTime: Date.parse('2023-03-22T23:59:00Z') }), DAY).market_day_closed).toBe(false);
  });

  it('when built twice from the same inputs then the files are byte-identical and hold no NaN', () => {
    const a = dailyReportFiles(buildDailyReport(healthyDay(), DAY));
    const b = dailyReportFiles(buildDailyReport(healthyDay(), DAY));
    expect(a).toEqual(b);
    expect(a[0]!.name).toBe('daily_shadow_health_2023-03-22.json');
    expect(nonFiniteNumbers(buildDailyReport(healthyDay(), DAY))).toEqual([]);
  });

  it.each(['2023-02-30', '22-03-2023', 'today'])('when the day is %s then it throws a RangeError naming it', (day) => {
    expect(() => buildDailyReport(makeInputs(), day)).toThrow(/is not a date/);
  });
});
