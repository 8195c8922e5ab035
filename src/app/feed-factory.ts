import path from 'node:path';
import type { Config } from '../config/schema.js';
import { loadMarketSnapshot } from '../feeds/market-snapshot.js';
import { ReplayFeed } from '../feeds/replay/replay-feed.js';
import { timeframeToMs } from '../model/candle.js';
import type { WallClock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { MarketFeed } from '../ports/market-feed.js';
import { BUNDLED_MARKETS } from './paths.js';

export interface FeedChoice {
  readonly source?: 'ccxt' | 'replay';
  readonly dataDir?: string;
  readonly speed?: number | 'max';
  readonly from?: number;
  readonly to?: number;
  readonly loop: boolean;
}

/** Builds the configured market feed; ccxt is imported only when it is the one chosen. */
export async function createMarketFeed(args: {
  config: Readonly<Config>;
  home: string;
  choice: FeedChoice;
  clock: WallClock;
  logger: Logger;
  env: Readonly<Record<string, string | undefined>>;
}): Promise<MarketFeed> {
  const { config, home, choice, clock, logger } = args;
  const source = choice.source ?? config.feed.source;
  if (source === 'ccxt') {
    const { createCcxtFeed } = await import('../feeds/ccxt/ccxt-feed.js');
    return createCcxtFeed({
      exchange: config.feed.exchange,
      symbols: config.feed.symbols,
      timeframe: config.feed.timeframe,
      pollIntervalS: config.feed.poll_interval_s,
      staleAfterS: config.feed.stale_after_s,
      ccxtOptions: config.feed.ccxt_options,
      env: args.env,
      clock,
      logger,
    });
  }
  const replay = config.feed.replay;
  const parseIso = (value: string | null): number | null => (value === null ? null : Date.parse(value));
  const feed = new ReplayFeed({
    dataDir: choice.dataDir ? path.resolve(choice.dataDir) : path.resolve(home, replay.data_dir),
    exchange: config.feed.exchange,
    symbols: config.feed.symbols,
    timeframe: config.feed.timeframe,
    timeframeMs: timeframeToMs(config.feed.timeframe),
    speed: choice.speed ?? replay.speed,
    from: choice.from ?? parseIso(replay.from),
    to: choice.to ?? parseIso(replay.to),
    loop: choice.loop,
    clock,
    markets: async () => loadMarketSnapshot(BUNDLED_MARKETS, config.feed.symbols),
  });
  for (const s of feed.load()) {
    const { duplicates, outOfOrder, gaps, missingCandles, invalidRows } = s.integrity;
    if (duplicates + outOfOrder + gaps + invalidRows > 0) {
      logger.warn({ symbol: s.symbol, duplicates, out_of_order: outOfOrder, gaps, missing_candles: missingCandles, invalid_rows: invalidRows }, 'replay data integrity');
    }
  }
  return feed;
}
