import type { Config } from '../config/schema.js';
import type { Engine } from '../engine/engine.js';
import { JsonlAppender } from '../io/jsonl.js';
import { timeframeToMs } from '../model/candle.js';
import type { MarketSpec } from '../model/market.js';
import type { CandleBatch, MarketFeed } from '../ports/market-feed.js';
import type { WallClock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { RiskSettings } from '../risk/risk-settings.js';
import { SqliteShadowStore } from '../persistence/sqlite-shadow-store.js';
import type { SqliteLedger } from '../persistence/sqlite-ledger.js';
import { ShadowRunner } from '../shadow/shadow-runner.js';
import { parseStrategySpec } from '../monitoring/production/strategy-spec.js';
import { StrategyWeightingAdvisor } from '../shadow/strategy-weighting-advisor.js';
import { createRegimeTracker, type RegimeTracker } from '../strategies/regime.js';
import type { HomePaths } from './paths.js';

/** Challengers and advisors in shadow, with the regime labels their decisions carry. */
export interface ShadowSide {
  readonly runner: ShadowRunner;
  readonly regimes: RegimeTracker;
  /** Every batch, warm-up included, after the engine took it. Never throws: shadow trouble never stops trading. */
  onBatch(batch: CandleBatch): void;
  close(): void;
}

export function buildShadowSide(args: {
  config: Readonly<Config>;
  paths: HomePaths;
  ledger: SqliteLedger;
  engine: Engine;
  risk: RiskSettings;
  /** Capital preservation's factor on the risk multiplier: the engine's, so the shadow gate sizes as the champion's does. */
  riskFactor: () => number;
  markets: ReadonlyMap<string, MarketSpec>;
  /** What a new book starts with: the balance the ledger recorded at the account's first start, not today's config. */
  startingBalance: number;
  feed: MarketFeed;
  clock: WallClock;
  log: Logger;
  onError: (message: string, error: unknown) => void;
  /** Production ids (`ema_trend` or `ema_trend@fast=9,slow=30`). */
  champion: string;
  challengers: readonly string[];
}): ShadowSide {
  const { config, paths, ledger, engine, feed, log, onError } = args;
  const regimes = createRegimeTracker();
  const sink = new JsonlAppender(paths.shadowDecisions);
  const spec = (id: string) => {
    const parsed = parseStrategySpec(id);
    return { id: parsed.base, params: { ...(config.strategies.params[parsed.base] ?? {}), ...parsed.params }, name: id };
  };
  const runner = new ShadowRunner({
    champion: spec(args.champion),
    challengers: args.challengers.filter((id) => id !== args.champion).map(spec),
    advisors: [new StrategyWeightingAdvisor()],
    markets: args.markets,
    symbols: config.feed.symbols,
    timeframeMs: timeframeToMs(config.feed.timeframe),
    slippageBps: config.execution.slippage_bps,
    startingBalance: args.startingBalance,
    risk: args.risk,
    riskFactor: args.riskFactor,
    gate: engine.gate,
    sink,
    store: new SqliteShadowStore(ledger.database),
    clock: args.clock,
    logger: log,
    weightsFile: paths.strategyWeights,
    accountFlags: () => engine.gateFlags(),
    isStale: (symbol) => feed.health().staleSymbols.includes(symbol),
    regimeOf: (symbol) => regimes.regimeOf(symbol) ?? 'unknown',
    onStrategyError: (id, error) => onError(`shadow strategy ${id} failed: ${(error as Error).message}`, error),
  });
  return {
    runner,
    regimes,
    onBatch(batch) {
      for (const candle of batch.candles) regimes.onCandle(candle);
      try {
        runner.onBatch(batch);
      } catch (error) {
        onError(`shadow mode failed on the batch at ${new Date(batch.ts).toISOString()}: ${(error as Error).message}`, error);
      }
    },
    close() {
      sink.close();
    },
  };
}
