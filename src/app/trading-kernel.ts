import { PaperBroker } from '../broker/paper-broker.js';
import type { Config } from '../config/schema.js';
import { Engine, type ControlFlags, type EngineListener, type FeedView } from '../engine/engine.js';
import { timeframeToMs } from '../model/candle.js';
import type { MarketSpec } from '../model/market.js';
import type { BookSource } from '../ports/book-source.js';
import type { Ledger } from '../ports/ledger.js';
import type { RiskSettings } from '../risk/risk-settings.js';
import { applyTurnoverOverrides } from '../risk/turnover-overrides.js';
import { createStrategy } from '../strategies/registry.js';
import type { Strategy } from '../strategies/strategy.js';

export interface TradingKernel {
  readonly engine: Engine;
  readonly broker: PaperBroker;
  readonly risk: RiskSettings;
  readonly flags: ControlFlags;
  readonly warmupCandles: number;
  /** "Paper-live turnover overrides: …", for the start log. */
  readonly gateDescription: string;
}

export const RISK_OVERRIDES_KEY = 'risk.overrides';

/**
 * The engine, broker and risk state over a ledger: what `run` and `backtest` share. Only the
 * feed, the ledger's durability and the listener differ between them.
 */
export function buildTradingKernel(args: {
  config: Readonly<Config>;
  ledger: Ledger;
  markets: ReadonlyMap<string, MarketSpec>;
  feed: FeedView;
  listener: EngineListener;
  championOverride?: string;
  env?: Readonly<Record<string, string | undefined>>;
  /** Live only: order books for market orders to walk. */
  book?: BookSource;
  /** The champion, already built (from a production id with parameters). */
  championStrategy?: Strategy;
  /** Capital preservation's factor on the risk multiplier. */
  riskFactor?: () => number;
}): TradingKernel {
  const { config, ledger, markets, feed, listener } = args;
  const gate = applyTurnoverOverrides(config.gate, args.env ?? {});
  const championId = args.championOverride ?? config.strategies.champion;
  const champion = args.championStrategy ?? createStrategy(championId, config.strategies.params[championId] ?? {});
  const broker = new PaperBroker({ ledger, markets, slippageBps: config.execution.slippage_bps, startingBalance: config.account.starting_balance, book: args.book, timeframeMs: timeframeToMs(config.feed.timeframe) });
  const risk: RiskSettings = {
    risk_multiplier: 1,
    risk_per_trade_pct: config.risk.risk_per_trade_pct,
    max_open_positions: config.risk.max_open_positions,
    max_portfolio_heat_pct: config.risk.max_portfolio_heat_pct,
    daily_loss_limit_pct: config.risk.daily_loss_limit_pct,
    max_multiplier: config.risk.max_multiplier,
    ...ledger.getSetting<Partial<RiskSettings>>(RISK_OVERRIDES_KEY),
  };
  const flags: ControlFlags = { paused: false, halted: false, emergencyStop: false, killSwitch: false, capitalPreservationBlocked: false, persistenceFailure: false };
  const avgTaker = [...markets.values()].reduce((sum, m) => sum + m.takerFee, 0) / Math.max(1, markets.size);
  const costEstimatePct = (2 * avgTaker + (2 * config.execution.slippage_bps) / 10_000) * 100;
  const engine = new Engine({
    champion,
    broker,
    ledger,
    risk,
    flags,
    feed,
    symbols: config.feed.symbols,
    timeframeMs: timeframeToMs(config.feed.timeframe),
    costEstimatePct,
    listener,
    gate: gate.settings,
    riskFactor: args.riskFactor,
  });
  return { engine, broker, risk, flags, warmupCandles: champion.warmupCandles, gateDescription: gate.description };
}
