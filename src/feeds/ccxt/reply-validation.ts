import type { Candle } from '../../model/candle.js';
import type { MarketSpec } from '../../model/market.js';
import type { BookLevel } from '../../ports/book-source.js';
import { toMarketSpec, type CcxtMarketLike } from '../market-snapshot.js';
import { InvalidReplyError } from './fault.js';

/**
 * Every exchange reply is checked here before anything uses it. A 200 reply can be garbage
 * without ccxt noticing (rows of undefined, an empty book, an empty markets map), and an
 * invalid reply is handled exactly like a failed request.
 */

/** The last traded price of a symbol, as the ticker endpoint reported it. */
export interface Mark {
  readonly symbol: string;
  readonly price: number;
  readonly bid: number | null;
  readonly ask: number | null;
  /** Exchange time of the ticker, when it says. */
  readonly exchangeTs: number | null;
  /** Wall time the reply arrived. */
  readonly receivedAt: number;
}

export interface OrderBookSnapshot {
  readonly symbol: string;
  /** Best (highest) first. */
  readonly bids: readonly BookLevel[];
  /** Best (lowest) first. */
  readonly asks: readonly BookLevel[];
  readonly exchangeTs: number | null;
  readonly receivedAt: number;
}

/** The first Bitcoin block, 2009-01-03: no exchange has a candle or a ticker from before it. */
const EARLIEST_MS = Date.UTC(2009, 0, 3);
/** How far ahead of this machine's clock an exchange's time may be (skew), at most. */
const AHEAD_MS = 86_400_000;

/** A time an exchange can have sent in ms: not before 2009 (a time in seconds is), not more than a day ahead of `now`. */
function plausibleTime(ts: number, now: number): boolean {
  return ts >= EARLIEST_MS && ts <= now + AHEAD_MS;
}

/** OHLCV rows as ccxt returns them → candles; throws InvalidReplyError on any bad row or an empty reply. `now`: this machine's wall time. */
export function candlesFromOhlcv(rows: unknown, symbol: string, now: number): Candle[] {
  if (!Array.isArray(rows)) throw new InvalidReplyError(`${symbol}: OHLCV reply is not a list`);
  if (rows.length === 0) throw new InvalidReplyError(`${symbol}: OHLCV reply is empty`);
  return rows.map((row: unknown, i) => {
    const reason = ohlcvRowProblem(row) ?? (plausibleTime((row as number[])[0]!, now) ? null : 'has a timestamp before 2009 or more than a day ahead (seconds, not ms?)');
    if (reason) throw new InvalidReplyError(`${symbol}: OHLCV row ${i} ${reason}: ${JSON.stringify(row)?.slice(0, 120)}`);
    const [ts, open, high, low, close, volume] = row as number[];
    return { symbol, ts: ts!, open: open!, high: high!, low: low!, close: close!, volume: volume! };
  });
}

function ohlcvRowProblem(row: unknown): string | null {
  if (!Array.isArray(row) || row.length < 6) return 'is not [ts, open, high, low, close, volume]';
  const [ts, open, high, low, close, volume] = row as unknown[];
  if (!(typeof ts === 'number' && Number.isSafeInteger(ts) && ts > 0)) return 'has no valid timestamp';
  for (const value of [open, high, low, close]) if (!(typeof value === 'number' && Number.isFinite(value) && value > 0)) return 'has a price that is not a positive number';
  if (!(typeof volume === 'number' && Number.isFinite(volume) && volume >= 0)) return 'has a volume that is not a non-negative number';
  const [o, h, l, c] = [open, high, low, close] as number[];
  if (h! < Math.max(o!, c!, l!) || l! > Math.min(o!, c!)) return 'breaks low <= open, close <= high';
  return null;
}

interface TickerLike {
  last?: unknown;
  close?: unknown;
  bid?: unknown;
  ask?: unknown;
  timestamp?: unknown;
}

export function markFromTicker(ticker: unknown, symbol: string, receivedAt: number): Mark {
  if (typeof ticker !== 'object' || ticker === null) throw new InvalidReplyError(`${symbol}: ticker reply is not an object`);
  const t = ticker as TickerLike;
  const price = positive(t.last) ?? positive(t.close);
  if (price === null) throw new InvalidReplyError(`${symbol}: ticker has no positive last price (last=${String(t.last)})`);
  const bid = positive(t.bid);
  const ask = positive(t.ask);
  if (bid !== null && ask !== null && bid > ask) throw new InvalidReplyError(`${symbol}: ticker bid ${bid} is above ask ${ask}`);
  // A time that cannot be the exchange's (seconds, or far ahead) is not used: it would move the market day.
  const exchangeTs = typeof t.timestamp === 'number' && Number.isFinite(t.timestamp) && plausibleTime(t.timestamp, receivedAt) ? t.timestamp : null;
  return { symbol, price, bid, ask, exchangeTs, receivedAt };
}

interface BookLike {
  bids?: unknown;
  asks?: unknown;
  timestamp?: unknown;
}

export function orderBookFromReply(book: unknown, symbol: string, receivedAt: number): OrderBookSnapshot {
  if (typeof book !== 'object' || book === null) throw new InvalidReplyError(`${symbol}: order book reply is not an object`);
  const b = book as BookLike;
  const bids = bookSide(b.bids, symbol, 'bids', (prev, next) => next < prev);
  const asks = bookSide(b.asks, symbol, 'asks', (prev, next) => next > prev);
  if (bids[0]![0] >= asks[0]![0]) throw new InvalidReplyError(`${symbol}: order book is crossed (best bid ${bids[0]![0]} >= best ask ${asks[0]![0]})`);
  const exchangeTs = typeof b.timestamp === 'number' && Number.isFinite(b.timestamp) ? b.timestamp : null;
  return { symbol, bids, asks, exchangeTs, receivedAt };
}

function bookSide(side: unknown, symbol: string, name: string, inOrder: (prev: number, next: number) => boolean): BookLevel[] {
  if (!Array.isArray(side) || side.length === 0) throw new InvalidReplyError(`${symbol}: order book has no ${name}`);
  return side.map((level: unknown, i) => {
    const price = Array.isArray(level) ? positive(level[0]) : null;
    const amount = Array.isArray(level) ? positive(level[1]) : null;
    if (price === null || amount === null) throw new InvalidReplyError(`${symbol}: order book ${name}[${i}] is not [positive price, positive amount]`);
    if (i > 0 && !inOrder((side[i - 1] as number[])[0]!, price)) throw new InvalidReplyError(`${symbol}: order book ${name} are not sorted best first at level ${i}`);
    return [price, amount] as const;
  });
}

export interface ValidatedMarkets {
  readonly specs: ReadonlyMap<string, MarketSpec>;
  /** Symbols the exchange does not list as a usable spot market, with the reason. */
  readonly rejected: ReadonlyMap<string, string>;
}

/**
 * The markets ccxt loaded, reduced to the wanted symbols. An empty map is an invalid reply (ccxt would
 * cache it and fail every later call with BadSymbol); a symbol the exchange does not list is rejected
 * on its own; when every listed symbol is malformed the reply as a whole is invalid.
 */
export function validateMarkets(markets: unknown, symbols: readonly string[]): ValidatedMarkets {
  if (typeof markets !== 'object' || markets === null || Object.keys(markets).length === 0) throw new InvalidReplyError('the exchange returned no markets');
  const all = markets as Record<string, CcxtMarketLike | undefined>;
  const specs = new Map<string, MarketSpec>();
  const rejected = new Map<string, string>();
  let malformed = 0;
  for (const symbol of symbols) {
    const market = all[symbol];
    if (!market) {
      rejected.set(symbol, `the exchange lists no market ${symbol}`);
      continue;
    }
    if (market.spot !== true) {
      rejected.set(symbol, `${symbol} is not a spot market`);
      continue;
    }
    if (market.active === false) {
      rejected.set(symbol, `${symbol} is not trading on the exchange`);
      continue;
    }
    const spec = toMarketSpec(market);
    if (typeof spec === 'string') {
      malformed++;
      rejected.set(symbol, spec);
    } else specs.set(symbol, spec);
  }
  if (malformed > 0 && specs.size === 0) throw new InvalidReplyError(`the markets reply is malformed: ${[...rejected.values()].join('; ')}`);
  return { specs, rejected };
}

function positive(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null;
}
