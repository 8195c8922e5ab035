/** Kinds of drift (reference 000's DriftType, the ones measured here). */
export const DriftType = {
  NONE: 'none',
  /** Rolling Sharpe decayed below its share of the expected Sharpe. */
  PERFORMANCE: 'performance',
  /** Drawdown beyond monitoring.max_drawdown_threshold. */
  DRAWDOWN: 'drawdown',
  /** Rolling volatility beyond volatility_spike_threshold × the expected volatility. */
  VOLATILITY: 'volatility',
} as const;
export type DriftType = (typeof DriftType)[keyof typeof DriftType];

/**
 * The CUSUM change detector's finding: reported beside the reference's verdict, never changing it.
 * `detected` means an alarm within the last rolling_window days.
 */
export interface ChangePointReport {
  readonly detected: boolean;
  /** down: the mean daily return fell; up: it rose. */
  readonly direction: 'down' | 'up' | null;
  /** The day the cumulative sum crossed the threshold. */
  readonly alarm_date: string | null;
  /** Estimated first day of the shift: the day after the sum last stood at zero. */
  readonly change_date: string | null;
  /** Current cumulative sums, in standard deviations. */
  readonly cusum_down: number;
  readonly cusum_up: number;
  readonly threshold: number;
  /** What "normal" is measured against: the expectations, or the first min_days_for_drift days. */
  readonly baseline: 'expected' | 'series' | null;
  readonly alarms: number;
  readonly message: string;
}

/**
 * `paperlive monitor --check-drift --json`: exactly SPEC §8's keys, then `change_point`
 * (null when disabled). Percent throughout; current_drawdown ≤ 0.
 */
export interface DriftReport {
  readonly detected: boolean;
  readonly drift_type: DriftType;
  readonly severity: number;
  readonly message: string;
  readonly rolling_sharpe: number | null;
  readonly expected_sharpe: number | null;
  readonly current_drawdown: number | null;
  readonly should_trigger_reevolution: boolean;
  readonly should_demote_champion: boolean;
  readonly change_point: ChangePointReport | null;
}

/** What the verdict rests on, for status pages and the drift-day counter. */
export interface DriftDetail {
  readonly days: number;
  /** This day counts towards re-evolution (reevolution.trigger_on_drift / trigger_on_drawdown). */
  readonly counts_toward_reevolution: boolean;
  /** Including the latest day. */
  readonly consecutive_drift_days: number;
  readonly total_drift_days: number;
  readonly cumulative_return: number | null;
  readonly rolling_volatility: number | null;
  readonly expected_volatility: number | null;
  readonly expected_volatility_basis: 'ann_volatility' | 'max_drawdown/3' | null;
  readonly max_allowed_drawdown: number;
  /** Checks that could not run (no expectation to compare with). */
  readonly skipped: readonly string[];
}

export interface DriftAssessment {
  readonly report: DriftReport;
  readonly detail: DriftDetail;
}
