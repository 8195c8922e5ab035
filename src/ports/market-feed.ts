import type { Candle } from '../model/candle.js';
import type { MarketSpec } from '../model/market.js';

/** Candles of several symbols that share one open time. */
export interface CandleBatch {
  readonly ts: number;
  readonly candles: readonly Candle[];
  /** History replayed before trading starts: strategies learn from it, nothing trades. */
  readonly warmup: boolean;
}

export interface FeedHealth {
  readonly healthy: boolean;
  readonly lastTickAt: number | null;
  readonly staleSymbols: readonly string[];
  readonly ended: boolean;
}

export interface FeedRunOptions {
  /** Deliver only candles after this market time (resume point). */
  readonly after: number | null;
  /** How many candles per symbol to replay as warm-up before `after`. */
  readonly warmupCandles: number;
}

/** Where candles come from: a recorded replay or a live exchange. One interface for both. */
export interface MarketFeed {
  readonly source: string;
  loadMarkets(): Promise<ReadonlyMap<string, MarketSpec>>;
  /** Delivers batches in time order until the data ends or `stop()`; resolves then. */
  run(options: FeedRunOptions, onBatch: (batch: CandleBatch) => void | Promise<void>): Promise<void>;
  stop(): void;
  health(): FeedHealth;
}
