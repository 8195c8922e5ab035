import crypto from 'node:crypto';
import fs from 'node:fs';
import type { ProductionConfig } from '../../config/production-schema.js';
import type { Config } from '../../config/schema.js';
import { isComplete, UNKNOWN_EXPECTATIONS, withOverrides, type ExpectedMetrics } from '../../monitoring/drift/expected-metrics.js';
import { parseStrategySpec, type StrategySpec } from '../../monitoring/production/strategy-spec.js';
import type { ProductionStore } from '../../ports/production-store.js';
import { dataSpan } from './data-span.js';
import { evaluateParams } from './evaluate-params.js';

export const ExpectationSource = { BACKTEST: 'backtest', REEVOLUTION: 'reevolution' } as const;

export interface ResolvedExpectations {
  readonly metrics: ExpectedMetrics;
  /** Where they come from, in words: config, re-evolution, backtest (cached or fresh), or why none. */
  readonly source: string;
}

export interface ResolveOptions {
  readonly id: string;
  readonly config: Readonly<Config>;
  readonly production: Readonly<ProductionConfig>;
  /** null: no ledger yet (nothing cached, nothing written). */
  readonly store: ProductionStore | null;
  /** Read-only commands pass false: a fresh backtest is then used but not cached. */
  readonly write: boolean;
  /** Candles of the strategy's own backtest (the bundled data/replay). */
  readonly dataDir: string;
  readonly at: string;
}

/**
 * A strategy's expectations, key by key: production.yaml's expected_metrics[id] where given,
 * else those registered by re-evolution (its out-of-sample window), else its own backtest over
 * the bundled candles, cached in SQLite while the inputs that shape it are unchanged (the
 * parameters, the trading config, the data files, the annualisation).
 */
export async function resolveExpectedMetrics(options: ResolveOptions): Promise<ResolvedExpectations> {
  const { id, production, store } = options;
  const override = production.expected_metrics[id];
  if (isComplete(override)) return { metrics: withOverrides(UNKNOWN_EXPECTATIONS, override), source: 'configs/production.yaml expected_metrics' };
  const suffix = override ? ', overridden in part by configs/production.yaml' : '';
  const registered = store?.expectedMetrics(id, ExpectationSource.REEVOLUTION);
  if (registered) return { metrics: withOverrides(registered.metrics, override), source: `re-evolution out-of-sample window (${registered.computed_at})${suffix}` };

  const spec = parseStrategySpec(id);
  let fingerprint: string;
  try {
    fingerprint = backtestFingerprint(options, spec);
  } catch (error) {
    return { metrics: withOverrides(UNKNOWN_EXPECTATIONS, override), source: `no backtest possible: ${(error as Error).message}${suffix}` };
  }
  const cached = store?.expectedMetrics(id, ExpectationSource.BACKTEST);
  if (cached && cached.fingerprint === fingerprint) return { metrics: withOverrides(cached.metrics, override), source: `backtest over ${options.dataDir} (cached ${cached.computed_at})${suffix}` };
  try {
    const result = await evaluateParams({
      config: options.config,
      dataDir: options.dataDir,
      strategy: spec.base,
      params: spec.params,
      from: null,
      to: null,
      annualizationDays: production.monitoring.annualization_days,
    });
    if (options.write && store) store.saveExpectedMetrics({ strategy: id, source: ExpectationSource.BACKTEST, fingerprint, metrics: result.metrics, computed_at: options.at });
    return { metrics: withOverrides(result.metrics, override), source: `backtest over ${options.dataDir} (${result.trades} trades in ${result.days} days)${suffix}` };
  } catch (error) {
    return { metrics: withOverrides(UNKNOWN_EXPECTATIONS, override), source: `backtest failed: ${(error as Error).message}${suffix}` };
  }
}

function backtestFingerprint(options: ResolveOptions, spec: StrategySpec): string {
  const { config } = options;
  const files = dataSpan(options.dataDir, config.feed.exchange, config.feed.symbols, config.feed.timeframe).files.map((file) => {
    const stat = fs.statSync(file);
    return [file, stat.size, Math.round(stat.mtimeMs)];
  });
  const inputs = {
    v: 2, // 2: backtests apply capital preservation and warm up before --from
    strategy: spec.base,
    params: { ...config.strategies.params[spec.base], ...spec.params },
    feed: { exchange: config.feed.exchange, symbols: config.feed.symbols, timeframe: config.feed.timeframe },
    account: config.account,
    execution: config.execution,
    risk: config.risk,
    gate: config.gate,
    turnover_env: [process.env.PAPER_LIVE_TURNOVER_MIN_RATIO ?? null, process.env.PAPER_LIVE_TURNOVER_MAX_DAILY ?? null],
    annualization_days: options.production.monitoring.annualization_days,
    files,
  };
  return crypto.createHash('sha256').update(JSON.stringify(inputs)).digest('hex');
}
