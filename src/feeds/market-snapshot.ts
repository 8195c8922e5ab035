import fs from 'node:fs';
import { ConfigError } from '../model/errors.js';
import type { MarketSpec } from '../model/market.js';

/** The parts of a ccxt unified market this project reads (TICK_SIZE precision mode). */
export interface CcxtMarketLike {
  symbol?: unknown;
  base?: unknown;
  quote?: unknown;
  spot?: unknown;
  active?: unknown;
  taker?: unknown;
  maker?: unknown;
  precision?: { amount?: unknown; price?: unknown };
  limits?: { amount?: { min?: unknown; max?: unknown }; cost?: { min?: unknown } };
}

/**
 * Turns a ccxt market into a MarketSpec, or explains in one sentence why it cannot: an exchange
 * reply is input like any other and is validated before it reaches the engine.
 */
export function toMarketSpec(market: CcxtMarketLike): MarketSpec | string {
  const symbol = typeof market.symbol === 'string' ? market.symbol : '';
  const amountStep = num(market.precision?.amount);
  const priceTick = num(market.precision?.price);
  const taker = num(market.taker);
  if (!symbol) return 'market without a symbol';
  if (!(amountStep && amountStep > 0 && amountStep < 1e6)) return `${symbol}: precision.amount ${String(market.precision?.amount)} is not a positive step size`;
  if (!(priceTick && priceTick > 0)) return `${symbol}: precision.price ${String(market.precision?.price)} is not a positive tick size`;
  if (taker === null || taker < 0 || taker > 0.05) return `${symbol}: taker fee ${String(market.taker)} is not between 0 and 5 %`;
  return {
    symbol,
    base: String(market.base ?? symbol.split('/')[0]),
    quote: String(market.quote ?? symbol.split('/')[1]),
    amountStep,
    priceTick,
    minAmount: num(market.limits?.amount?.min) ?? amountStep,
    maxAmount: num(market.limits?.amount?.max) ?? Number.MAX_SAFE_INTEGER,
    minCost: num(market.limits?.cost?.min) ?? 0,
    takerFee: taker,
    makerFee: num(market.maker) ?? taker,
  };
}

/** Reads a saved `exchange.markets` JSON (as ccxt's `setMarkets` takes it) for the given symbols. */
export function loadMarketSnapshot(file: string, symbols: readonly string[]): Map<string, MarketSpec> {
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, CcxtMarketLike>;
  const markets = new Map<string, MarketSpec>();
  for (const symbol of symbols) {
    const entry = raw[symbol];
    if (!entry) throw new ConfigError(`the markets snapshot ${file} has no market ${symbol} (it has ${Object.keys(raw).join(', ')})`);
    const spec = toMarketSpec(entry);
    if (typeof spec === 'string') throw new ConfigError(`the markets snapshot ${file} is not usable: ${spec}`);
    markets.set(symbol, spec);
  }
  return markets;
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
