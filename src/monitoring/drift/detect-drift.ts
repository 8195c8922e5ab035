import type { DriftDayCounter } from '../../ports/production-store.js';
import { detectChangePoint, type DailyPoint } from './change-point.js';
import { driftDaysThrough } from './drift-days.js';
import { DriftType, type DriftAssessment, type DriftReport } from './drift-report.js';
import type { DriftSettings } from './drift-settings.js';
import { expectedVolatility, type ExpectedMetrics } from './expected-metrics.js';
import { annualisedVolatility, cumulativeReturn, drawdowns, mean, populationStd } from './return-stats.js';

export interface DriftInput {
  /** Daily returns of one strategy in percent, ordered by date. */
  readonly points: readonly DailyPoint[];
  readonly expected: ExpectedMetrics | null;
  readonly settings: DriftSettings;
  /** The stored drift-day counter; the latest day is (re)counted on top of it, read-only. */
  readonly counter: DriftDayCounter | null;
}

/**
 * Reference 000's drift check, in its order: fewer than min_days_for_drift days → insufficient
 * data; else the first of performance (rolling Sharpe over rolling_window below
 * sharpe_decay_threshold × expected), drawdown (current drawdown of the whole series below
 * max_drawdown_threshold), volatility (rolling volatility above volatility_spike_threshold ×
 * expected) is the verdict. Deliberate differences, each documented in docs/monitoring.md:
 * - should_demote_champion is judged on the drawdown whatever the verdict (the reference checks
 *   it only when the Sharpe has not decayed, so a crash that also kills the Sharpe never demoted);
 * - should_trigger_reevolution needs drift_days_before_reevolve consecutive counting days
 *   (performance drift, or a drawdown below reevolution.drawdown_threshold, as configured);
 * - a check without an expectation to compare with (no expected Sharpe above 0, no expected
 *   volatility) is skipped and named, instead of dividing by zero;
 * - the CUSUM change point is reported beside the verdict and never changes it.
 */
export function detectDrift(input: DriftInput): DriftAssessment {
  const { points, expected, settings } = input;
  const m = settings.monitoring;
  const returns = points.map((p) => p.return_pct);
  const recent = returns.slice(-m.rolling_window);
  const n = m.annualization_days;
  const std = populationStd(recent);
  const rollingSharpe = recent.length === 0 ? null : std === null ? 0 : (mean(recent) / std) * Math.sqrt(n);
  const currentDrawdown = returns.length === 0 ? null : drawdowns(returns).current;
  const rollingVolatility = recent.length === 0 ? null : (annualisedVolatility(recent, n) ?? 0);
  const expectedSharpe = expected?.sharpe ?? null;
  const expVol = expectedVolatility(expected);
  const changePoint = m.change_point.enabled
    ? detectChangePoint({
        points,
        expected:
          expected?.ann_return != null && expected.ann_volatility != null
            ? { mean: expected.ann_return / n, std: expected.ann_volatility / Math.sqrt(n) }
            : null,
        settings: m.change_point,
        minDays: m.min_days_for_drift,
        recentDays: m.rolling_window,
      })
    : null;
  const skipped: string[] = [];
  if (expectedSharpe === null || expectedSharpe <= 0) skipped.push(`sharpe decay (expected Sharpe ${expectedSharpe === null ? 'unknown' : 'not above 0'})`);
  if (expVol === null) skipped.push('volatility spike (expected volatility unknown)');

  let verdict: Pick<DriftReport, 'detected' | 'drift_type' | 'severity' | 'message'>;
  const sufficient = returns.length >= m.min_days_for_drift;
  const sharpeThreshold = expectedSharpe !== null && expectedSharpe > 0 ? expectedSharpe * m.sharpe_decay_threshold : null;
  if (!sufficient) {
    verdict = { detected: false, drift_type: DriftType.NONE, severity: 0, message: `Insufficient data for drift detection (${returns.length} of ${m.min_days_for_drift} days)` };
  } else if (sharpeThreshold !== null && rollingSharpe !== null && rollingSharpe < sharpeThreshold) {
    verdict = {
      detected: true,
      drift_type: DriftType.PERFORMANCE,
      severity: 1 - rollingSharpe / expectedSharpe!,
      message: `Rolling Sharpe (${rollingSharpe.toFixed(2)}) below threshold (${sharpeThreshold.toFixed(2)})`,
    };
  } else if (currentDrawdown !== null && currentDrawdown < m.max_drawdown_threshold) {
    verdict = {
      detected: true,
      drift_type: DriftType.DRAWDOWN,
      severity: Math.abs(currentDrawdown / m.max_drawdown_threshold),
      message: `Drawdown (${currentDrawdown.toFixed(1)}%) exceeds threshold (${m.max_drawdown_threshold.toFixed(1)}%)`,
    };
  } else if (expVol !== null && rollingVolatility !== null && rollingVolatility > expVol.value * m.volatility_spike_threshold) {
    verdict = {
      detected: true,
      drift_type: DriftType.VOLATILITY,
      severity: rollingVolatility / expVol.value - 1,
      message: `Volatility spike: ${rollingVolatility.toFixed(1)}% vs expected ${expVol.value.toFixed(1)}%`,
    };
  } else {
    verdict = { detected: false, drift_type: DriftType.NONE, severity: 0, message: 'No drift detected' };
  }

  const demote = sufficient && currentDrawdown !== null && currentDrawdown < m.emergency_drawdown;
  const counts =
    sufficient &&
    ((settings.reevolution.trigger_on_drift && verdict.drift_type === DriftType.PERFORMANCE) ||
      (settings.reevolution.trigger_on_drawdown && currentDrawdown !== null && currentDrawdown < settings.reevolution.drawdown_threshold));
  const lastDate = points.at(-1)?.date ?? null;
  const days = lastDate === null ? { consecutive: 0, total: input.counter?.total ?? 0 } : driftDaysThrough(input.counter, lastDate, counts);
  const reevolve = settings.reevolution.enabled && counts && days.consecutive >= m.drift_days_before_reevolve;

  const notes: string[] = [];
  if (counts && days.consecutive < m.drift_days_before_reevolve) notes.push(`drift day ${days.consecutive} of ${m.drift_days_before_reevolve} before re-evolution`);
  else if (counts) notes.push(`${days.consecutive} consecutive drift days${reevolve ? ': re-evolution recommended' : ' (re-evolution disabled)'}`);
  if (demote) notes.push(`emergency drawdown (${currentDrawdown!.toFixed(1)}% below ${m.emergency_drawdown.toFixed(1)}%): demote the champion`);
  // Keys in SPEC §8's order, change_point last.
  const report: DriftReport = {
    detected: verdict.detected,
    drift_type: verdict.drift_type,
    severity: Number.isFinite(verdict.severity) ? Math.max(0, verdict.severity) : 0,
    message: [verdict.message, ...notes].join('; '),
    rolling_sharpe: rollingSharpe,
    expected_sharpe: expectedSharpe,
    current_drawdown: currentDrawdown,
    should_trigger_reevolution: reevolve,
    should_demote_champion: demote,
    change_point: changePoint,
  };
  return {
    report,
    detail: {
      days: returns.length,
      counts_toward_reevolution: counts,
      consecutive_drift_days: days.consecutive,
      total_drift_days: days.total,
      cumulative_return: returns.length === 0 ? null : cumulativeReturn(returns),
      rolling_volatility: rollingVolatility,
      expected_volatility: expVol?.value ?? null,
      expected_volatility_basis: expVol?.basis ?? null,
      max_allowed_drawdown: m.max_drawdown_threshold,
      skipped,
    },
  };
}
