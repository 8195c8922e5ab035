import type { Config } from '../../config/schema.js';
import { timeframeToMs } from '../../model/candle.js';
import { dailyReturnsFromTrades } from '../../monitoring/drift/daily-returns.js';
import { expectedMetricsFromReturns, type ExpectedMetrics } from '../../monitoring/drift/expected-metrics.js';
import type { StrategyParams } from '../../strategies/strategy.js';
import { runBacktest } from '../backtest.js';
import { dataSpan } from './data-span.js';

/** One backtest of one parameter set over one window: plain data, so it can cross a worker boundary. */
export interface EvaluationTask {
  readonly config: Config;
  readonly dataDir: string;
  readonly strategy: string;
  /** Laid over paper_live.yaml's params of `strategy`. */
  readonly params: StrategyParams;
  /** Window [from, to) in ms; null: from the start / to the end of the data. */
  readonly from: number | null;
  readonly to: number | null;
  readonly annualizationDays: number;
}

export interface EvaluationResult {
  readonly metrics: ExpectedMetrics;
  readonly trades: number;
  readonly days: number;
}

/**
 * The strategy's own expectations: runBacktest (the daemon's engine, gate and broker) over the
 * window, its closed trades turned into daily returns of the account balance for every UTC day
 * of the window, and those measured like the live returns the drift check sees.
 */
export async function evaluateParams(task: EvaluationTask): Promise<EvaluationResult> {
  const { config, strategy } = task;
  const merged: Config = {
    ...config,
    strategies: { ...config.strategies, champion: strategy, params: { ...config.strategies.params, [strategy]: { ...config.strategies.params[strategy], ...task.params } } },
  };
  const span = dataSpan(task.dataDir, config.feed.exchange, config.feed.symbols, config.feed.timeframe);
  const from = Math.max(task.from ?? span.start, span.start);
  const to = Math.min(task.to ?? Infinity, span.end + timeframeToMs(config.feed.timeframe));
  const result = await runBacktest({ config: merged, dataDir: task.dataDir, strategy, from: task.from ?? undefined, to: task.to ?? undefined });
  const points = dailyReturnsFromTrades(result.trades, config.account.starting_balance, from, Math.max(from, to - 1));
  return { metrics: expectedMetricsFromReturns(points.map((p) => p.return_pct), task.annualizationDays), trades: result.trades.length, days: points.length };
}
