import { describe, expect, it } from 'vitest';
import { detectDrift } from '../../../src/monitoring/drift/detect-drift.js';
import { DriftType } from '../../../src/monitoring/drift/drift-report.js';
import type { ExpectedMetrics } from '../../../src/monitoring/drift/expected-metrics.js';
import type { DriftDayCounter } from '../../../src/ports/production-store.js';
import { EXPECTED, repeat, series, settings } from './fixtures.js';

const SPEC_KEYS = ['detected', 'drift_type', 'severity', 'message', 'rolling_sharpe', 'expected_sharpe', 'current_drawdown', 'should_trigger_reevolution', 'should_demote_champion'];

// Healthy: mean 0.1 %/day, std 1 %/day → Sharpe ≈ 0.1 × √365 ≈ 1.9, volatility ≈ 19 %/yr.
const HEALTHY = repeat([1.1, -0.9], 10);
const check = (returns: readonly number[], expected: ExpectedMetrics | null = EXPECTED, options: Parameters<typeof settings>[0] = {}, counter: DriftDayCounter | null = null) =>
  detectDrift({ points: series(returns), expected, settings: settings(options), counter });

describe('detectDrift', () => {
  it('when returns match the expectations then no drift is detected', () => {
    const { report } = check(HEALTHY);
    expect(report).toMatchObject({ detected: false, drift_type: DriftType.NONE, severity: 0, message: 'No drift detected', should_trigger_reevolution: false, should_demote_champion: false });
    expect(report.rolling_sharpe).toBeCloseTo(0.1 * Math.sqrt(365), 6);
    expect(report.expected_sharpe).toBe(2);
  });

  it.each([
    [0, 'Insufficient data for drift detection (0 of 10 days)'],
    [9, 'Insufficient data for drift detection (9 of 10 days)'],
  ])('when only %i days are logged then the data is insufficient and nothing is recommended', (days, message) => {
    // Even a crash: reference 000 judges nothing before min_days_for_drift.
    const { report } = check(Array.from({ length: days }, () => -8));
    expect(report).toMatchObject({ detected: false, drift_type: 'none', message, should_trigger_reevolution: false, should_demote_champion: false });
  });

  it('when the rolling Sharpe falls below half the expected then it is performance drift with the reference severity', () => {
    // Sharpe ≈ 0.02 × √365 ≈ 0.38 against a threshold of 2 × 0.5 = 1.
    const { report, detail } = check(repeat([1.02, -0.98], 10));
    expect(report.drift_type).toBe(DriftType.PERFORMANCE);
    expect(report.detected).toBe(true);
    expect(report.severity).toBeCloseTo(1 - report.rolling_sharpe! / 2, 9);
    expect(report.message).toMatch(/^Rolling Sharpe \(0\.38\) below threshold \(1\.00\)/);
    expect(detail.counts_toward_reevolution).toBe(true);
  });

  it('when the drawdown passes max_drawdown_threshold but the Sharpe holds then it is drawdown drift', () => {
    // Strong days then a fall of about 17 %: the 20-day Sharpe stays high.
    const returns = [...repeat([2, 1], 8), 1, -6, -6, -6];
    const { report } = check(returns, { ...EXPECTED, sharpe: 0.1 });
    expect(report.drift_type).toBe(DriftType.DRAWDOWN);
    expect(report.current_drawdown!).toBeLessThan(-15);
    expect(report.severity).toBeCloseTo(Math.abs(report.current_drawdown! / -15), 9);
    expect(report.should_demote_champion).toBe(false);
  });

  it('when the rolling volatility exceeds twice the expected then it is a volatility spike', () => {
    // Mean 0.25 %/day keeps the Sharpe up; std 3 %/day ≈ 57 %/yr against 20 × 2.
    const { report, detail } = check(repeat([3.25, -2.75], 10), { ...EXPECTED, sharpe: 1 });
    expect(report.drift_type).toBe(DriftType.VOLATILITY);
    expect(report.severity).toBeCloseTo(detail.rolling_volatility! / 20 - 1, 9);
    expect(report.message).toMatch(/^Volatility spike: 57\.3% vs expected 20\.0%/);
    expect(detail.counts_toward_reevolution).toBe(false);
  });

  it('when the expected volatility is unknown then max_drawdown / 3 stands in for it', () => {
    const { report, detail } = check(repeat([3.25, -2.75], 10), { sharpe: 1, ann_return: null, max_drawdown: 24, ann_volatility: null });
    expect(detail.expected_volatility).toBe(8);
    expect(detail.expected_volatility_basis).toBe('max_drawdown/3');
    expect(report.drift_type).toBe(DriftType.VOLATILITY);
  });

  it.each([
    ['no expectations at all', null, ['sharpe decay (expected Sharpe unknown)', 'volatility spike (expected volatility unknown)']],
    ['an expected Sharpe of 0', { sharpe: 0, ann_return: 0, max_drawdown: 0, ann_volatility: null }, ['sharpe decay (expected Sharpe not above 0)', 'volatility spike (expected volatility unknown)']],
  ])('when there are %s then the checks that need them are skipped and named', (_what, expected, skipped) => {
    const { report, detail } = check(repeat([1.02, -0.98], 10), expected);
    expect(report.drift_type).toBe('none');
    expect(report.expected_sharpe).toBe(expected?.sharpe ?? null);
    expect(detail.skipped).toEqual(skipped);
  });

  it('when the drawdown passes emergency_drawdown while the Sharpe also decayed then demotion is still recommended', () => {
    // The reference returns on performance drift first and never looks at the drawdown.
    const { report } = check([...repeat([1.1, -0.9], 5), -10, -10, -10, -5, 1, -1, 1, -1, 1, -1]);
    expect(report.drift_type).toBe(DriftType.PERFORMANCE);
    expect(report.current_drawdown!).toBeLessThan(-25);
    expect(report.should_demote_champion).toBe(true);
    expect(report.message).toContain('emergency drawdown');
  });

  it.each([
    [0, 1, false],
    [3, 4, false],
    [4, 5, true],
    [9, 10, true],
  ])('when %i consecutive drift days were counted before a drifting day then it is day %i and re-evolution is %s', (before, consecutive, reevolve) => {
    const counter: DriftDayCounter = { consecutive: before, total: before, counted_through: '2025-12-31', last_drift_type: 'performance', previous: { consecutive: 0, total: 0 } };
    const { report, detail } = check(repeat([1.02, -0.98], 10), EXPECTED, {}, counter);
    expect(detail.consecutive_drift_days).toBe(consecutive);
    expect(report.should_trigger_reevolution).toBe(reevolve);
  });

  it('when the latest day was already counted then it is recounted from the count before it, not added twice', () => {
    const counter: DriftDayCounter = { consecutive: 5, total: 7, counted_through: '2026-01-20', last_drift_type: 'performance', previous: { consecutive: 4, total: 6 } };
    const { detail } = check(repeat([1.02, -0.98], 10), EXPECTED, {}, counter);
    expect(detail.consecutive_drift_days).toBe(5);
    expect(detail.total_drift_days).toBe(7);
  });

  it.each([
    ['reevolution.enabled is false', { enabled: false }],
    ['trigger_on_drift is false', { trigger_on_drift: false }],
  ])('when %s then performance drift never triggers re-evolution', (_what, reevolution) => {
    const counter: DriftDayCounter = { consecutive: 9, total: 9, counted_through: '2025-12-31', last_drift_type: 'performance', previous: { consecutive: 0, total: 0 } };
    const { report } = check(repeat([1.02, -0.98], 10), EXPECTED, { reevolution }, counter);
    expect(report.drift_type).toBe(DriftType.PERFORMANCE);
    expect(report.should_trigger_reevolution).toBe(false);
  });

  it('when trigger_on_drawdown is on then a day below reevolution.drawdown_threshold counts even without Sharpe decay', () => {
    const returns = [...repeat([2, 1], 8), 1, -6, -6, -6];
    expect(check(returns, { ...EXPECTED, sharpe: 0.1 }).detail.counts_toward_reevolution).toBe(true);
    expect(check(returns, { ...EXPECTED, sharpe: 0.1 }, { reevolution: { trigger_on_drawdown: false } }).detail.counts_toward_reevolution).toBe(false);
  });

  it('when the returns do not vary then the rolling Sharpe is 0, as in the reference, and counts as decay', () => {
    const { report } = check(Array.from({ length: 12 }, () => 0));
    expect(report.rolling_sharpe).toBe(0);
    expect(report.drift_type).toBe(DriftType.PERFORMANCE);
  });

  it('when rendered to JSON then it has exactly the SPEC keys in order, then change_point', () => {
    const { report } = check(HEALTHY);
    expect(Object.keys(report)).toEqual([...SPEC_KEYS, 'change_point']);
    expect(Object.keys(check(HEALTHY, EXPECTED, { monitoring: { change_point: { enabled: false, slack_sigma: 0.5, threshold_sigma: 5 } } }).report)).toContain('change_point');
    expect(check(HEALTHY, EXPECTED, { monitoring: { change_point: { enabled: false, slack_sigma: 0.5, threshold_sigma: 5 } } }).report.change_point).toBeNull();
  });

  it('when the change detector fires but the reference sees no drift then the verdict is unchanged', () => {
    // The mean falls from +0.3 to −0.3 %/day (σ 0.5): the 30-day Sharpe stays far above its
    // threshold while the CUSUM, in σ units, alarms about eight days into the new regime.
    const returns = [...repeat([0.7, -0.1], 10), ...repeat([-0.2, -0.4], 5)];
    const expected = { sharpe: 0.2, ann_return: 0.3 * 365, max_drawdown: 30, ann_volatility: 0.5 * Math.sqrt(365) };
    const withDetector = check(returns, expected, { monitoring: { rolling_window: 40 } });
    const without = check(returns, expected, { monitoring: { rolling_window: 40, change_point: { enabled: false, slack_sigma: 0.5, threshold_sigma: 5 } } });
    expect(withDetector.report.change_point).toMatchObject({ detected: true, direction: 'down', baseline: 'expected' });
    expect({ ...withDetector.report, change_point: null }).toEqual(without.report);
    expect(without.report.detected).toBe(false);
  });
});
