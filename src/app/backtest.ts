import path from 'node:path';
import type { Config } from '../config/schema.js';
import { loadMarketSnapshot } from '../feeds/market-snapshot.js';
import { lowerBound, ReplayFeed } from '../feeds/replay/replay-feed.js';
import { timeframeToMs } from '../model/candle.js';
import type { TradeRecord } from '../model/position.js';
import { SqliteLedger } from '../persistence/sqlite-ledger.js';
import { SqliteSafetyStore } from '../persistence/sqlite-safety-store.js';
import type { Logger } from '../ports/logger.js';
import { CapitalPreservation } from '../risk/capital-preservation/capital-preservation.js';
import { preservationSettings } from '../risk/capital-preservation/preservation-settings.js';
import { computeMetrics, type PerformanceMetrics } from '../reports/metrics.js';
import { BUNDLED_MARKETS } from './paths.js';
import { PreservationGuard } from './preservation-guard.js';
import { buildTradingKernel } from './trading-kernel.js';

const quiet = (): void => {};
/** A backtest has no log file; what capital preservation does shows in its trades and metrics. */
const SILENT: Logger = { debug: quiet, info: quiet, warn: quiet, error: quiet, fatal: quiet };

export interface BacktestOptions {
  readonly config: Readonly<Config>;
  readonly dataDir: string;
  readonly from?: number;
  readonly to?: number;
  readonly strategy?: string;
  /** Annualisation of Sharpe, Sortino and Calmar; 365 when absent. */
  readonly annualizationDays?: number;
  /** Called now and then with candles done and the total expected. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface BacktestResult {
  readonly candles: number;
  readonly wall_ms: number;
  readonly trades: TradeRecord[];
  readonly metrics: PerformanceMetrics;
}

/**
 * The daemon's engine, broker and gate over recorded candles as fast as possible, with the
 * ledger in memory. Deterministic: the same data and config give byte-identical trades.
 */
export async function runBacktest(options: BacktestOptions): Promise<BacktestResult> {
  const started = performance.now();
  const { config } = options;
  const timeframeMs = timeframeToMs(config.feed.timeframe);
  const feed = new ReplayFeed({
    dataDir: path.resolve(options.dataDir),
    exchange: config.feed.exchange,
    symbols: config.feed.symbols,
    timeframe: config.feed.timeframe,
    timeframeMs,
    speed: 'max',
    from: options.from ?? null,
    to: options.to ?? null,
    loop: false,
    clock: { now: () => performance.now() },
    markets: async () => loadMarketSnapshot(BUNDLED_MARKETS, config.feed.symbols),
    sliceMs: 100,
  });
  const series = feed.load();
  // The progress bar's total: the candles the range asked for (`to` exclusive), not the whole files.
  const from = options.from ?? -Infinity;
  const to = options.to ?? Infinity;
  const total = series.reduce((sum, s) => sum + lowerBound(s.ts, to) - lowerBound(s.ts, from), 0);
  const ledger = new SqliteLedger(':memory:', { durable: false });
  try {
    const markets = await feed.loadMarkets();
    // Capital preservation as the daemon applies it (blocks, risk cuts, CRISIS flattens), its state in the same database.
    const preservation = new CapitalPreservation({ settings: preservationSettings(config.risk.capital_preservation), store: new SqliteSafetyStore(ledger.database) });
    const { engine, broker, flags, warmupCandles } = buildTradingKernel({
      config,
      ledger,
      markets,
      riskFactor: () => preservation.riskFactor,
      championOverride: options.strategy,
      env: process.env,
      feed: { isHealthy: () => true, isStale: () => false },
      listener: { onSignal: () => {}, onTrade: () => {}, onPositionChange: () => {}, onStrategyError: () => {} },
    });
    const guard = new PreservationGuard(preservation, { engine, broker, flags, log: SILENT, changed: () => {}, skipRepeats: true });
    let candles = 0;
    let nextReport = 0;
    // As the daemon does: with --from, the candles just before it warm the strategy up, untraded.
    await feed.run({ after: null, warmupCandles: warmupCandles + 5 }, (batch) => {
      engine.processBatch(batch);
      if (batch.warmup) return;
      guard.observe(batch.ts);
      candles += batch.candles.length;
      if (options.onProgress && candles >= nextReport) {
        options.onProgress(candles, total);
        nextReport = candles + 50_000;
      }
    });
    options.onProgress?.(candles, candles);
    const trades = ledger.allTrades();
    return { candles, wall_ms: Math.round(performance.now() - started), trades, metrics: computeMetrics(trades, config.account.starting_balance, { annualizationDays: options.annualizationDays }) };
  } finally {
    ledger.close();
  }
}
