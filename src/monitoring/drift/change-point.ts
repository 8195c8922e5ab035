import type { ChangePointReport } from './drift-report.js';
import type { ChangePointSettings } from './drift-settings.js';
import { mean, populationStd } from './return-stats.js';

export interface DailyPoint {
  readonly date: string;
  readonly return_pct: number;
}

export interface ChangePointInput {
  readonly points: readonly DailyPoint[];
  /** Expected daily mean and standard deviation (percent), when the expectations give both. */
  readonly expected: { readonly mean: number; readonly std: number } | null;
  readonly settings: ChangePointSettings;
  /** Baseline length when there is no expectation, and the minimum series length. */
  readonly minDays: number;
  /** An alarm counts as current for this many latest days. */
  readonly recentDays: number;
}

/**
 * Two-sided tabular CUSUM (Page 1954) on standardised daily returns: z = (r − μ₀) / σ₀,
 * S⁺ = max(0, S⁺ + z − k), S⁻ = max(0, S⁻ − z − k), alarm when either exceeds h, then both
 * restart. μ₀, σ₀ come from the expectations when they give both a return and a volatility,
 * else from the first `minDays` days (which are then not tested). With k = 0.5 and h = 5 a
 * sustained one-σ shift is flagged after about ten days, while false alarms on unchanged
 * returns come about once in several hundred days per side.
 */
export function detectChangePoint(input: ChangePointInput): ChangePointReport {
  const { points, settings } = input;
  const k = settings.slack_sigma;
  const h = settings.threshold_sigma;
  const idle = (message: string, baseline: ChangePointReport['baseline'] = null): ChangePointReport => ({
    detected: false,
    direction: null,
    alarm_date: null,
    change_date: null,
    cusum_down: 0,
    cusum_up: 0,
    threshold: h,
    baseline,
    alarms: 0,
    message,
  });
  if (points.length < input.minDays) return idle(`Insufficient data for change detection (${points.length} of ${input.minDays} days)`);

  let mu: number;
  let sigma: number | null;
  let start: number;
  let baseline: 'expected' | 'series';
  if (input.expected && input.expected.std > 0) {
    ({ mean: mu, std: sigma } = input.expected);
    start = 0;
    baseline = 'expected';
  } else {
    const head = points.slice(0, input.minDays).map((p) => p.return_pct);
    mu = mean(head);
    sigma = populationStd(head);
    start = input.minDays;
    baseline = 'series';
  }
  if (sigma === null) return idle('No change detection: the baseline days do not vary', baseline);

  let up = 0;
  let down = 0;
  let lastZeroUp = start - 1;
  let lastZeroDown = start - 1;
  let alarms = 0;
  let last: { index: number; direction: 'up' | 'down'; changeIndex: number } | null = null;
  for (let i = start; i < points.length; i++) {
    const z = (points[i]!.return_pct - mu) / sigma;
    up = Math.max(0, up + z - k);
    down = Math.max(0, down - z - k);
    if (up === 0) lastZeroUp = i;
    if (down === 0) lastZeroDown = i;
    if (up > h || down > h) {
      alarms++;
      const direction = down > h && down >= up ? 'down' : 'up';
      last = { index: i, direction, changeIndex: (direction === 'down' ? lastZeroDown : lastZeroUp) + 1 };
      up = 0;
      down = 0;
      lastZeroUp = i;
      lastZeroDown = i;
    }
  }
  const detected = last !== null && last.index >= points.length - input.recentDays;
  const alarmDate = last ? points[last.index]!.date : null;
  const changeDate = last ? points[Math.min(last.changeIndex, last.index)]!.date : null;
  const message = last
    ? `${detected ? 'Change point' : 'Earlier change point'}: mean daily return shifted ${last.direction} from about ${changeDate} (alarm ${alarmDate})`
    : 'No change point detected';
  return {
    detected,
    direction: last?.direction ?? null,
    alarm_date: alarmDate,
    change_date: changeDate,
    cusum_down: down,
    cusum_up: up,
    threshold: h,
    baseline,
    alarms,
    message,
  };
}
