/**
 * The production.yaml keys drift detection reads (config/production-schema.ts produces a
 * superset; monitoring may not import config, so the shape is restated here).
 */
export interface DriftSettings {
  readonly monitoring: {
    readonly rolling_window: number;
    readonly min_days_for_drift: number;
    readonly sharpe_decay_threshold: number;
    readonly max_drawdown_threshold: number;
    readonly emergency_drawdown: number;
    readonly volatility_spike_threshold: number;
    readonly drift_days_before_reevolve: number;
    readonly annualization_days: number;
    readonly change_point: ChangePointSettings;
  };
  readonly reevolution: {
    readonly enabled: boolean;
    readonly trigger_on_drift: boolean;
    readonly trigger_on_drawdown: boolean;
    readonly drawdown_threshold: number;
  };
}

export interface ChangePointSettings {
  readonly enabled: boolean;
  readonly slack_sigma: number;
  readonly threshold_sigma: number;
}
