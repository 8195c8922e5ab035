import { describe, expect, it } from 'vitest';
import type { ReportInputs } from '../../../../src/reports/daily/report-inputs.js';
import { mean, perObservationSharpe } from '../../../../src/reports/daily/tally.js';
import { MIN_SWEEP_SAMPLE, SWEEP_THRESHOLDS, sweep } from '../../../../src/reports/weekly/confidence-sweep.js';
import { evaluateDecisions } from '../../../../src/reports/weekly/edge-stats.js';
import { buildWeeklyReport } from '../../../../src/reports/weekly/weekly-report.js';
import { weeklyReportFiles } from '../../../../src/reports/weekly/weekly-report-files.js';
import { decision, gateDay, makeInputs, outcome, signal, trade } from '../daily/fixtures.js';
import { EDGE_SPEC, expectSchema, nonFiniteNumbers, WEEKLY_SCHEMA } from '../daily/schema.js';
import { collectShadowLog } from '../../../../src/reports/daily/shadow-log.js';

const W12 = { year: 2023, week: 12 };
const inW12 = (day: number, time = '10:00') => `2023-03-${String(19 + day).padStart(2, '0')}T${time}:00.000Z`; // day 1 = Monday 20th
const inW11 = (day: number, time = '10:00') => `2023-03-${String(12 + day).padStart(2, '0')}T${time}:00.000Z`;

/** A week with known answers: three evaluated challenger entries, one pending, two champion entries, one exit. */
function knownWeek(patch: Partial<ReportInputs> = {}) {
  const r1 = decision(inW12(1), { strategy: 'rsi_revert', confidence: 0.55, regime: 'bull', symbol: 'BTC/USDT' });
  const r2 = decision(inW12(2), { strategy: 'rsi_revert', confidence: 0.65, regime: 'bull' });
  const r3 = decision(inW12(3), { strategy: 'rsi_revert', confidence: 0.85, regime: 'bear' });
  const r4 = decision(inW12(7, '23:00'), { strategy: 'rsi_revert', confidence: 0.9 });
  const c1 = decision(inW12(1), { strategy: 'ema_trend', role: 'champion', confidence: 0.6, regime: 'bull', executed: true });
  const c2 = decision(inW12(4), { strategy: 'ema_trend', role: 'champion', confidence: 0.7, regime: null });
  const x1 = decision(inW12(5), { strategy: 'ema_trend', role: 'champion', action: 'exit' });
  const lines = [
    r1, r2, r3, r4, c1, c2, x1,
    outcome(r1.id, { pnl_if_taken: 0.01, return_pct: 1.3 }),
    outcome(r2.id, { pnl_if_taken: -0.005, return_pct: -0.2 }),
    outcome(r3.id, { pnl_if_taken: 0.02, return_pct: 2.3 }),
    outcome(r3.id, { horizon: '4h', pnl_if_taken: 0.03, return_pct: 3.3 }),
    outcome(c1.id, { pnl_if_taken: -0.01, return_pct: -0.7 }),
    outcome(c2.id, { pnl_if_taken: 0, return_pct: 0.3 }),
    outcome(x1.id, { pnl_if_taken: 0.002, return_pct: -0.5 }),
  ];
  return makeInputs({ shadowLines: lines, present: { ledger: true, signals: true, shadow: true, weights: false, capitalPreservation: false }, ...patch });
}

describe('buildWeeklyReport', () => {
  it('when the home is empty then every reference key is there with its type and each section says "no data"', () => {
    const report = buildWeeklyReport(makeInputs(), W12);
    expectSchema(report, WEEKLY_SCHEMA);
    expect(report).toMatchObject({ week: '2023-W12', week_number: 12, iso_year: 2023, week_start: '2023-03-20', week_ending: '2023-03-26', week_complete: false });
    for (const note of [report.data_collection.note, report.counterfactual_evaluation.note, report.cost_decomposition.note, report.confidence_sweep.note, report.btc_diagnosis.note]) expect(note).toMatch(/^no data/);
    expect(report.summary).toMatchObject({ overall_edge_positive: null, edge_stable_across_regimes: null });
    expect(report.summary.headline).toMatch(/^No data/);
    expect(report.drift_check.drift_detected).toBeNull();
    expect(report.confidence_sweep.results.map((r) => r.threshold)).toEqual([...SWEEP_THRESHOLDS]);
    expect(report.confidence_sweep.results.every((r) => r.hit_rate === null && r.delta_pnl === null)).toBe(true);
    expect(report.summary.promotion_gate_progress).toMatchObject({ weeks_collected: 0, data_collection_met: false, hit_rate: null, max_drawdown_pct: null, human_sign_off: null });
    expect(nonFiniteNumbers(report)).toEqual([]);
  });

  it('when decisions have outcomes then the counterfactual is computed on the horizon most outcomes have, shadow and champion apart', () => {
    const report = buildWeeklyReport(knownWeek(), W12);
    const c = report.counterfactual_evaluation;
    expectSchema(c.shadow, EDGE_SPEC);
    expect(c.primary_horizon).toBe('1h');
    expect(c.horizons).toEqual({ '1h': { outcomes: 5, mean_return_pct: expect.closeTo(0.6, 9) }, '4h': { outcomes: 1, mean_return_pct: 3.3 } });
    expect(c).toMatchObject({ entry_decisions: 6, evaluated: 5, pending: 1 });
    expect(c.shadow).toMatchObject({ decisions: 4, evaluated: 3, delta_pnl: 0.025, hit_rate: expect.closeTo(2 / 3, 6), mean_net_return_pct: expect.closeTo(2.5 / 3, 6), edge_positive: true });
    expect(c.shadow.sharpe).toBeCloseTo(perObservationSharpe([1, -0.5, 2])!, 5);
    expect(c.champion).toMatchObject({ decisions: 2, evaluated: 2, delta_pnl: -0.01, hit_rate: 0, mean_net_return_pct: -0.5, edge_positive: false });
    expect(c.incremental_sharpe).toBeCloseTo(perObservationSharpe([1, -0.5, 2])! - perObservationSharpe([-1, 0])!, 5);
    expect(c.by_strategy.rsi_revert).toMatchObject({ role: 'challenger', vs_champion: { mean_net_return_pct: expect.closeTo(2.5 / 3 + 0.5, 5) } });
    expect(report.summary.overall_edge_positive).toBe(true);
  });

  it('when an outcome has no pnl_if_taken then the net return is the market move less the decision\'s cost estimate', () => {
    const d = decision(inW12(1), { cost_estimate_pct: 0.3 });
    const log = collectShadowLog([d, outcome(d.id, { pnl_if_taken: null, return_pct: 1 })]);
    expect(evaluateDecisions(log.decisions, log.outcomes, '1h')[0]!.net_return_pct).toBeCloseTo(0.7, 12);
  });

  it('when decisions carry regimes and symbols then the edge is split by each, with every strategy beside the shadow figures', () => {
    const report = buildWeeklyReport(knownWeek(), W12);
    expect(Object.keys(report.regime_edge_analysis)).toEqual(['bear', 'bull', 'sideways', 'unknown']);
    expect(report.regime_edge_analysis.bull).toMatchObject({ decisions: 2, evaluated: 2, hit_rate: 0.5, by_strategy: { ema_trend: { decisions: 1, evaluated: 1 }, rsi_revert: { decisions: 2, evaluated: 2 } } });
    expect(report.regime_edge_analysis.unknown).toMatchObject({ decisions: 0, evaluated: 0, edge_positive: null, by_strategy: { ema_trend: { evaluated: 1 } } });
    expect(report.symbol_edge_analysis['BTC/USDT']).toMatchObject({ decisions: 1, delta_pnl: 0.01, hit_rate: 1, edge_positive: true });
    expect(report.data_collection).toMatchObject({ total_decisions: 7, entry_decisions: 6, outcomes: 7, by_regime: { bear: 1, bull: 3, sideways: 2, unknown: 1 }, by_role: { challenger: 4, champion: 3 }, days_with_decisions: 6, weeks_collected: 1 });
  });

  it('when fewer regimes than two have enough evaluated decisions then stability across regimes is not claimed either way', () => {
    expect(buildWeeklyReport(knownWeek(), W12).summary.edge_stable_across_regimes).toBeNull();
  });

  it('when trades closed in the week then costs split into slippage and fees over the edge before costs', () => {
    const trades = [
      trade(inW11(3), { net_pnl: 50 }),
      trade(inW12(2), { symbol: 'BTC/USDT', entry: 100, quantity: 2, gross_pnl: 4, slippage: 0.5, fees: 1, net_pnl: 3 }),
      trade(inW12(3), { entry: 50, quantity: 2, gross_pnl: 1, slippage: 0.5, fees: 0.5, net_pnl: 0.5 }),
    ];
    const report = buildWeeklyReport(knownWeek({ trades, startingBalance: 1_000 }), W12);
    expect(report.cost_decomposition).toMatchObject({ trades: 2, notional: 300, pnl_before_costs: 6, slippage: 1, fees: 1.5, total_costs: 2.5, gross_pnl: 5, net_pnl: 3.5, cost_under_half_of_pnl: true });
    expect(report.cost_decomposition.cost_pct_of_pnl_before_costs).toBeCloseTo((2.5 / 6) * 100, 6);
    expect(report.cost_decomposition.cost_bps_of_notional).toBeCloseTo((2.5 / 300) * 10_000, 6);
    expect(report.cost_decomposition.realized_cost_pct).toBeCloseTo(mean([1.5 / 200, 1 / 100])! * 100, 6);
    expect(Object.keys(report.cost_decomposition.by_symbol)).toEqual(['BTC/USDT', 'ETH/USDT']);
    expect(report.paper_account).toMatchObject({ opening_balance: 1_050, closing_balance: 1_053.5, trades: 2, wins: 2, win_rate: 1, net_pnl: 3.5, max_drawdown_pct: 0 });
  });

  it('when the trades had no edge before costs then the cost share is null and the check fails', () => {
    const report = buildWeeklyReport(knownWeek({ trades: [trade(inW12(2), { gross_pnl: -1, slippage: 0.2, fees: 0.3, net_pnl: -1.3 })] }), W12);
    expect(report.cost_decomposition).toMatchObject({ cost_pct_of_pnl_before_costs: null, cost_under_half_of_pnl: false });
    expect(report.summary.alerts).toContain('Costs exceed the edge before costs: investigate turnover');
  });

  it('when the hit rate and Sharpe fell from the week before then drift is flagged with the runbook\'s 0.2 Sharpe rule', () => {
    const prior = Array.from({ length: 6 }, (_, i) => decision(inW11(1 + (i % 6)), { strategy: 'rsi_revert' }));
    const priorOutcomes = prior.map((d, i) => outcome(d.id, { pnl_if_taken: [0.02, 0.01, 0.015, 0.02, -0.002, 0.01][i] }));
    const now = knownWeek();
    const lines = [...prior, ...priorOutcomes];
    const merged = collectShadowLog([...lines, ...reencode(now)]);
    const report = buildWeeklyReport({ ...now, shadow: merged }, W12);
    const d = report.drift_check;
    expect(d.prior_week).toBe('2023-W11');
    expect(d.prior_week_has_data).toBe(true);
    expect(d.metrics.shadow_hit_rate).toMatchObject({ prior_week: expect.closeTo(5 / 6, 6), this_week: expect.closeTo(2 / 3, 6) });
    expect(d.metrics.shadow_sharpe!.change).toBeLessThan(-0.2);
    expect(d.flags.some((f) => f.startsWith('Shadow Sharpe dropped'))).toBe(true);
    expect(d.flags.some((f) => f.startsWith('Shadow hit rate fell'))).toBe(true);
    expect(d.drift_detected).toBe(true);
    expect(report.data_collection.weeks_collected).toBe(2);
  });

  it.each([
    ['trades with no edge before costs', [trade(inW12(2), { symbol: 'BTC/USDT', gross_pnl: -1, slippage: 0.2, net_pnl: -1.2 })], 'no_edge_before_costs'],
    ['trades whose edge the costs ate', [trade(inW12(2), { symbol: 'BTC/USDT', gross_pnl: 0.1, slippage: 0.1, fees: 0.5, net_pnl: -0.4 })], 'costs_exceed_edge'],
    ['trades that kept their edge', [trade(inW12(2), { symbol: 'BTC/USDT' })], 'edge_survives_costs'],
    ['signals that the turnover rules mostly blocked', [], 'over_throttled'],
  ])('when BTC had %s then the primary cause is %s', (_what, trades, cause) => {
    const signals = [
      signal(inW12(1), { symbol: 'BTC/USDT', executed: trades.length > 0 }),
      ...Array.from({ length: 4 }, (_, i) => signal(inW12(1, `1${i}:00`), { symbol: 'BTC/USDT', executed: false, reasons: ['turnover_max_daily'] })),
    ];
    expect(buildWeeklyReport(knownWeek({ trades, signals }), W12).btc_diagnosis.primary_cause).toBe(cause);
  });

  it('when BTC entry signals were judged then the diagnosis counts them by deciding reason and entries per active day', () => {
    const signals = [
      signal(inW12(1, '01:00'), { symbol: 'BTC/USDT' }),
      signal(inW12(1, '02:00'), { symbol: 'BTC/USDT' }),
      signal(inW12(1, '03:00'), { symbol: 'BTC/USDT' }),
      signal(inW12(1, '04:00'), { symbol: 'BTC/USDT' }),
      signal(inW12(2, '04:00'), { symbol: 'BTC/USDT', executed: false, reasons: ['turnover_min_interval'] }),
      signal(inW12(2, '05:00'), { symbol: 'BTC/USDT', executed: false, reasons: ['portfolio_heat'] }),
      signal(inW12(2, '06:00'), { symbol: 'BTC/USDT', direction: 'exit' }),
      signal(inW12(3, '06:00'), { symbol: 'ETH/USDT' }),
    ];
    const btc = buildWeeklyReport(knownWeek({ signals, gateStats: { '2023-03-21': gateDay('2023-03-21', 3, { portfolio_heat: 1 }) } }), W12).btc_diagnosis;
    expect(btc).toMatchObject({ symbols: ['BTC/USDT'], entry_signals: 6, executed_entries: 4, rejected: 2, rejection_reasons: { portfolio_heat: 1, turnover_min_interval: 1 }, turnover_blocked: 1, max_entries_in_a_day: 4, entries_per_day: expect.closeTo(4 / 3, 6) });
    expect(btc.turnover_block_rate).toBeCloseTo(1 / 6, 6);
    expect(btc.findings[0]).toMatch(/BTC entered 4 times in one day/);
    expect(btc.improving).toBeNull();
  });

  it('when shadow books traded then each has its week, and the challengers\' worst drawdown is the gate\'s figure', () => {
    const shadowBooks = {
      rsi_revert: [trade(inW11(2), { net_pnl: 100 }), trade(inW12(1), { net_pnl: -55 }), trade(inW12(2), { net_pnl: 20 })],
      ema_trend: [trade(inW12(1), { net_pnl: -500 })],
    };
    const report = buildWeeklyReport(knownWeek({ shadowBooks, startingBalance: 1_000 }), W12);
    expect(report.shadow_books.rsi_revert).toMatchObject({ role: 'challenger', opening_balance: 1_100, closing_balance: 1_065, trades: 2, max_drawdown_pct: 5 });
    expect(report.shadow_books.ema_trend).toMatchObject({ role: 'champion', max_drawdown_pct: 50 });
    expect(report.counterfactual_evaluation.shadow_max_drawdown_pct).toBe(5);
    expect(report.counterfactual_evaluation.by_strategy.rsi_revert!.max_drawdown_pct).toBe(5);
    expect(report.summary.promotion_gate_progress).toMatchObject({ max_drawdown_pct: 5, max_drawdown_met: false });
  });

  it('when built twice from the same inputs then the three files are byte-identical and hold no NaN', () => {
    const files = (inputs: ReportInputs) => {
      const report = buildWeeklyReport(inputs, W12);
      return weeklyReportFiles(report, '<svg/>');
    };
    const a = files(knownWeek());
    expect(a).toEqual(files(knownWeek()));
    expect(a.map((f) => f.name)).toEqual(['weekly_shadow_report_2023-W12.json', 'weekly_shadow_report_2023-W12.md', 'weekly_shadow_report_2023-W12.svg']);
    expect(nonFiniteNumbers(JSON.parse(a[0]!.content))).toEqual([]);
    expect(a[1]!.content).toContain('# Weekly shadow report 2023-W12');
    expect(a[1]!.content).toContain('![charts](weekly_shadow_report_2023-W12.svg)');
  });
});

describe('confidence sweep', () => {
  it('when thresholds rise then each keeps only the decisions at or above it, and the best is the highest mean among those with enough decisions', () => {
    const lines = [0.5, 0.6, 0.6, 0.7, 0.8, 0.9].flatMap((confidence, i) => {
      const d = decision(inW12(1, `0${i}:00`), { confidence });
      return [d, outcome(d.id, { pnl_if_taken: [-0.01, 0.01, 0.02, -0.005, 0.03, 0.001][i] })];
    });
    const log = collectShadowLog(lines);
    const result = sweep(evaluateDecisions(log.decisions, log.outcomes, '1h'), 2);
    expect(result.results.map((r) => r.evaluated)).toEqual([6, 5, 5, 3, 3, 2, 2, 1, 1]);
    expect(result.results[4]).toMatchObject({ threshold: 0.7, hit_rate: expect.closeTo(2 / 3, 6), mean_net_return_pct: expect.closeTo((-0.5 + 3 + 0.1) / 3, 6) });
    // 0.75 and 0.8 keep the same two decisions: the tie goes to the lower threshold.
    expect(result.best_threshold).toBe(0.75);
    expect(sweep(evaluateDecisions(log.decisions, log.outcomes, '1h')).best_threshold).toBeNull();
    expect(MIN_SWEEP_SAMPLE).toBe(20);
  });
});

/** The shadow lines of an inputs object, back as records (to merge two weeks into one log). */
function reencode(inputs: ReportInputs): unknown[] {
  const lines: unknown[] = [];
  for (const d of inputs.shadow.decisions) lines.push({ type: 'decision', ...d, market_time: d.market_time, gate: { allowed: d.gate_allowed, reasons: d.gate_reasons } });
  for (const list of inputs.shadow.outcomes.values()) for (const o of list) lines.push({ type: 'outcome', ...o });
  return lines;
}
