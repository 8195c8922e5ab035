import { describe, expect, it } from 'vitest';
import { detectChangePoint } from '../../../src/monitoring/drift/change-point.js';
import { seededRandom } from '../../../src/app/reevolution/seeded-random.js';
import { repeat, series } from './fixtures.js';

const SETTINGS = { enabled: true, slack_sigma: 0.5, threshold_sigma: 5 };
const detect = (returns: readonly number[], expected: { mean: number; std: number } | null = { mean: 0, std: 1 }, recentDays = 20) =>
  detectChangePoint({ points: series(returns), expected, settings: SETTINGS, minDays: 10, recentDays });

/** Deterministic noise with mean 0 and std about `std` (sum of uniforms). */
function noise(n: number, std: number, seed: number): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => (random() + random() + random() - 1.5) * 2 * std);
}

describe('detectChangePoint (CUSUM)', () => {
  it('when the mean stays where it is expected then false alarms are rare (about one per 500 days)', () => {
    const alarms = [1, 2, 3].map((seed) => detect(noise(2000, 1, seed)).alarms);
    for (const count of alarms) expect(count).toBeLessThanOrEqual(10);
    expect(detect(noise(60, 1, 1)).detected).toBe(false);
  });

  it('when the mean drops by one sigma then a downward change is flagged within about ten days, dated near the shift', () => {
    const before = noise(30, 1, 3);
    const after = noise(20, 1, 4).map((r) => r - 1);
    const result = detect([...before, ...after]);
    expect(result).toMatchObject({ detected: true, direction: 'down', baseline: 'expected' });
    const alarmDay = series([...before, ...after]).findIndex((p) => p.date === result.alarm_date);
    expect(alarmDay).toBeGreaterThanOrEqual(30);
    expect(alarmDay).toBeLessThan(30 + 15);
    expect(result.change_date! >= series(before).at(-5)!.date).toBe(true);
  });

  it('when the mean rises then the change is upward', () => {
    expect(detect([...repeat([0.1, -0.1], 10), ...repeat([1.6, 1.4], 5)]).direction).toBe('up');
  });

  it('when there are no expectations then the first days are the baseline and are not tested', () => {
    const result = detect([...repeat([0.6, 0.4], 5), ...repeat([0.1, -0.1], 10)], null);
    expect(result).toMatchObject({ baseline: 'series', detected: true, direction: 'down' });
    expect(result.change_date! > '2026-01-10').toBe(true);
  });

  it.each([
    ['fewer days than min_days_for_drift', repeat([1, -1], 4), { mean: 0, std: 1 }, 'Insufficient data for change detection (8 of 10 days)'],
    ['a baseline without variation', Array.from({ length: 15 }, () => 0.2), null, 'No change detection: the baseline days do not vary'],
  ])('when there are %s then nothing is tested and the reason is given', (_what, returns, expected, message) => {
    expect(detect(returns, expected)).toMatchObject({ detected: false, alarms: 0, message });
  });

  it('when the alarm is older than the recent window then it is reported as earlier, not current', () => {
    const result = detect([...repeat([-1.5, -1.5], 5), ...noise(60, 0.3, 9)], { mean: 0, std: 1 });
    expect(result.alarms).toBeGreaterThanOrEqual(1);
    expect(result.detected).toBe(false);
    expect(result.message).toMatch(/^Earlier change point/);
  });
});
