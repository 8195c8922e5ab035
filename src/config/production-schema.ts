import { z } from 'zod';

/**
 * configs/production.yaml, key by key (SPEC §8): drift monitoring, champion/challenger rotation
 * and re-evolution. Every object is strict; the defaults are reference 000's. The champion and
 * the challengers themselves live in the ledger (`paperlive production`), not in this file.
 */
const drawdownPct = z.number().min(-100).max(0);

const changePointSchema = z
  .strictObject({
    /** Run the CUSUM change detector on the daily returns (reported beside the verdict, never changing it). */
    enabled: z.boolean().default(true),
    /** Slack k of the CUSUM, in standard deviations of a daily return: shifts smaller than this are ignored. */
    slack_sigma: z.number().min(0).max(10).default(0.5),
    /** Decision threshold h, in standard deviations: an alarm once a cumulative sum exceeds it. */
    threshold_sigma: z.number().gt(0).max(100).default(5),
  })
  .prefault({});

const monitoringSchema = z
  .strictObject({
    /** Days of the rolling Sharpe and volatility. */
    rolling_window: z.number().int().min(2).max(3650).default(20),
    /** Fewer logged days than this: "Insufficient data for drift detection". */
    min_days_for_drift: z.number().int().min(2).max(3650).default(10),
    /** Performance drift when the rolling Sharpe falls below this share of the expected Sharpe. */
    sharpe_decay_threshold: z.number().min(0).max(1).default(0.5),
    /** Drawdown drift below this (percent, negative). */
    max_drawdown_threshold: drawdownPct.default(-15),
    /** Below this drawdown the champion is demoted at once (percent, negative). */
    emergency_drawdown: drawdownPct.default(-25),
    /** Volatility drift when the rolling volatility exceeds this multiple of the expected one. */
    volatility_spike_threshold: z.number().gt(0).max(100).default(2),
    /** Consecutive drift days that request a re-evolution. */
    drift_days_before_reevolve: z.number().int().min(1).max(3650).default(5),
    /** Days of paper returns a challenger needs before it is evaluated. */
    challenger_eval_period: z.number().int().min(1).max(3650).default(30),
    /** Ready for promotion when its paper Sharpe beats the champion's by more than this (Sharpe units). */
    min_challenger_outperformance: z.number().min(-100).max(100).default(0.05),
    /** √ of this annualises Sharpe and volatility of daily returns (365: crypto trades every day). */
    annualization_days: z.number().gt(0).max(366).default(365),
    change_point: changePointSchema,
  })
  .prefault({});

/** Expectations of one strategy (percent; max_drawdown as a positive magnitude, 12 for −12 %). */
const expectedMetricsSchema = z.strictObject({
  sharpe: z.number().min(-100).max(100).optional(),
  ann_return: z.number().min(-100).max(1e6).optional(),
  max_drawdown: z.number().min(0).max(100).optional(),
  ann_volatility: z.number().gt(0).max(1e4).optional(),
});

const reevolutionSchema = z
  .strictObject({
    /** Off: drift never requests a re-evolution (`paperlive trigger-reevolution` still works). */
    enabled: z.boolean().default(true),
    /** Performance drift (Sharpe decay) days count towards a re-evolution request. */
    trigger_on_drift: z.boolean().default(true),
    /** Days with the drawdown below `drawdown_threshold` count towards a re-evolution request. */
    trigger_on_drawdown: z.boolean().default(true),
    drawdown_threshold: drawdownPct.default(-15),
    /** Scheduled re-evolution regardless of drift: "" (none), weekly or monthly. */
    schedule: z.enum(['', 'weekly', 'monthly']).default(''),
    /** Days of the most recent candles re-optimised on. */
    lookback_days: z.number().gt(0).max(3650).default(30),
    /** Share of the lookback used in-sample; the rest, later in time, validates out of sample. */
    in_sample_fraction: z.number().min(0.1).max(0.95).default(0.7),
    search: z.enum(['random', 'grid']).default('random'),
    /** Parameter sets tried in-sample (the champion's own always included). */
    max_candidates: z.number().int().min(1).max(10_000).default(48),
    /** Values per parameter of the grid search, before it is thinned to max_candidates. */
    grid_levels: z.number().int().min(2).max(20).default(3),
    /** The best this many in-sample go on to the out-of-sample validation. */
    validate_top: z.number().int().min(1).max(1000).default(8),
    /** Challengers registered at most (also bounded by free challenger slots). */
    top_n: z.number().int().min(1).max(50).default(2),
    /** A candidate must beat this out-of-sample Sharpe to become a challenger; null = any. */
    min_oos_sharpe: z.number().min(-100).max(100).nullable().default(0),
    seed: z.number().int().min(0).max(2 ** 32 - 1).default(1),
    /** Worker threads of the built-in optimiser. */
    workers: z.number().int().min(1).max(64).default(2),
    /**
     * External optimiser replacing the built-in one: argv (no shell), given the champion and
     * data paths as JSON on stdin and in PAPERLIVE_* variables, printing strategy definitions
     * as JSON on stdout. null: built-in walk-forward search.
     */
    command: z.array(z.string().min(1)).min(1).nullable().default(null),
    command_timeout_s: z.number().gt(0).max(86_400).default(600),
  })
  .prefault({});

export const productionSchema = z
  .strictObject({
    monitoring: monitoringSchema,
    /** Per strategy id (or `id@param=value,…`): overrides the expectations from its own backtest, key by key. */
    expected_metrics: z.record(z.string().min(1), expectedMetricsSchema).default({}),
    /** The daemon may run an open re-evolution request by itself, at most once per schedule (manual: never). */
    challenger_evolution_enabled: z.boolean().default(true),
    challenger_evolution_schedule: z.enum(['daily', 'weekly', 'monthly', 'manual']).default('weekly'),
    /** --add-challenger and re-evolution refuse beyond this many challengers. */
    max_concurrent_challengers: z.number().int().min(0).max(50).default(3),
    reevolution: reevolutionSchema,
  })
  .prefault({});

export type ProductionConfig = z.infer<typeof productionSchema>;
export type MonitoringConfig = ProductionConfig['monitoring'];
export type ReevolutionConfig = ProductionConfig['reevolution'];
