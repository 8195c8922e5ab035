import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Candle } from '../../src/model/candle.js';
import { timeframeToMs } from '../../src/model/candle.js';
import { loadReplayCandles } from './candles.js';

/**
 * A Binance spot REST look-alike on 127.0.0.1 for the real ccxt client: the bundled exchangeInfo
 * and recorded candles served as if "now" were a market clock the test moves, plus fault
 * injection per route and a log of every request (route, symbol, arrival time) to assert on.
 */

const EXCHANGE_INFO = fileURLToPath(new URL('../../data/markets/binance_spot_exchangeInfo.json', import.meta.url));
const BASES = { BTCUSDT: 'BTC', ETHUSDT: 'ETH', SOLUSDT: 'SOL' } as const;
type MarketId = keyof typeof BASES;

export const LoopbackRoute = {
  exchangeInfo: 'exchangeInfo',
  klines: 'klines',
  ticker: 'ticker',
  depth: 'depth',
  time: 'time',
  other: 'other',
} as const;
export type LoopbackRoute = (typeof LoopbackRoute)[keyof typeof LoopbackRoute];

/** A Binance kline row as sent on the wire: [openTime, "open", "high", "low", "close", "volume", closeTime, ...]. */
export type KlineRow = unknown[];

export type LoopbackFault =
  /** Any HTTP status; `retryAfterS` adds a Retry-After header; the body is Binance-like JSON unless given. */
  | { readonly kind: 'status'; readonly status: number; readonly retryAfterS?: number; readonly body?: string; readonly contentType?: string }
  /** Never answers (until the client gives up or the server closes). */
  | { readonly kind: 'hang' }
  /** Destroys the connection without a reply. */
  | { readonly kind: 'reset' }
  /** 200 with a truncated JSON body. */
  | { readonly kind: 'garbage' }
  /** 200 with kline rows made of nulls. */
  | { readonly kind: 'nullRows' }
  /** 200 with `[]` (klines) or `{}` (anything else). */
  | { readonly kind: 'empty' }
  /** 200 with an order book without levels. */
  | { readonly kind: 'emptyBook' }
  /** 200 exchangeInfo listing no symbols. */
  | { readonly kind: 'noSymbols' }
  /** 200 with the normal kline rows passed through `edit` (duplicate, reorder, drop, regress). */
  | { readonly kind: 'rows'; readonly edit: (rows: KlineRow[]) => KlineRow[] }
  /** 200 with this JSON body. */
  | { readonly kind: 'json'; readonly body: unknown };

export const Faults = {
  rateLimited: (retryAfterS: number): LoopbackFault => ({ kind: 'status', status: 429, retryAfterS, body: '{"code":-1003,"msg":"Too much request weight used; current limit is 6000 request weight per 1 MINUTE."}' }),
  banned: (retryAfterS: number): LoopbackFault => ({ kind: 'status', status: 418, retryAfterS, body: '{"code":-1003,"msg":"Way too much request weight used; IP banned until later."}' }),
  serverError: (): LoopbackFault => ({ kind: 'status', status: 500, body: '{"code":-1000,"msg":"An unknown error occurred while processing the request."}' }),
  /** A 500 whose JSON code ccxt does not know: binance maps it to a plain ExchangeError. */
  serverErrorUnknownCode: (): LoopbackFault => ({ kind: 'status', status: 500, body: '{"code":-1999,"msg":"Something new went wrong."}' }),
  unavailable: (): LoopbackFault => ({ kind: 'status', status: 503, body: '<html><body>503 Service Temporarily Unavailable</body></html>', contentType: 'text/html' }),
  invalidSymbol: (): LoopbackFault => ({ kind: 'status', status: 400, body: '{"code":-1121,"msg":"Invalid symbol."}' }),
  hang: (): LoopbackFault => ({ kind: 'hang' }),
  reset: (): LoopbackFault => ({ kind: 'reset' }),
  garbage: (): LoopbackFault => ({ kind: 'garbage' }),
  nullRows: (): LoopbackFault => ({ kind: 'nullRows' }),
  empty: (): LoopbackFault => ({ kind: 'empty' }),
  emptyBook: (): LoopbackFault => ({ kind: 'emptyBook' }),
  noSymbols: (): LoopbackFault => ({ kind: 'noSymbols' }),
  rows: (edit: (rows: KlineRow[]) => KlineRow[]): LoopbackFault => ({ kind: 'rows', edit }),
} as const;

export interface LoopbackRequest {
  readonly route: LoopbackRoute;
  readonly path: string;
  /** Unified symbol (`BTC/USDT`) when the request named one. */
  readonly symbol: string | null;
  readonly query: Readonly<Record<string, string>>;
  /** Wall time (ms) the request arrived. */
  readonly at: number;
  /** The injected fault's kind, or null for a normal reply. */
  readonly fault: LoopbackFault['kind'] | null;
}

export interface LoopbackExchangeOptions {
  /** Initial market "now" in ms UTC; must lie inside the recorded data (2023-03-16 … 2023-05-01). */
  readonly marketTime: number;
  /** Oldest requests are forgotten beyond this many. */
  readonly maxRecordedRequests?: number;
}

interface FaultEntry {
  readonly route: LoopbackRoute;
  readonly symbol: string | null;
  readonly fault: LoopbackFault;
  remaining: number;
}

const seriesCache = new Map<string, Candle[]>();

function series(id: MarketId, timeframe: string): Candle[] {
  const key = `${id}:${timeframe}`;
  let candles = seriesCache.get(key);
  if (!candles) {
    if (timeframe !== '1m' && timeframe !== '5m') throw new Error(`the loopback exchange has no ${timeframe} data`);
    candles = loadReplayCandles(BASES[id], timeframe);
    seriesCache.set(key, candles);
  }
  return candles;
}

export class LoopbackExchange {
  private readonly faults: FaultEntry[] = [];
  private readonly log: LoopbackRequest[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly hanging = new Set<http.ServerResponse>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly exchangeInfo: { serverTime: number; symbols: unknown[] } & Record<string, unknown>;
  private readonly maxRecorded: number;
  private now: number;
  private updateId = 1;

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
    options: LoopbackExchangeOptions,
  ) {
    this.now = options.marketTime;
    this.exchangeInfo = JSON.parse(fs.readFileSync(EXCHANGE_INFO, 'utf8')) as typeof this.exchangeInfo;
    this.maxRecorded = options.maxRecordedRequests ?? 20_000;
  }

  static async start(options: LoopbackExchangeOptions): Promise<LoopbackExchange> {
    // Parse the recorded candles now: done on the first request it would stall the replies for a while.
    for (const id of Object.keys(BASES) as MarketId[]) series(id, '1m');
    const server = http.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const exchange = new LoopbackExchange(server, `http://127.0.0.1:${port}`, options);
    server.on('connection', (socket) => {
      exchange.sockets.add(socket);
      socket.on('close', () => exchange.sockets.delete(socket));
    });
    server.on('request', (req, res) => exchange.handle(req, res));
    return exchange;
  }

  /** Constructor options that point ccxt's binance at this server (every API family, so nothing leaks out). */
  ccxtOptions(extra: Record<string, unknown> = {}): Record<string, unknown> {
    const families: Record<string, string> = {
      public: '/api/v3', private: '/api/v3', v1: '/api/v1',
      sapi: '/sapi/v1', sapiV2: '/sapi/v2', sapiV3: '/sapi/v3', sapiV4: '/sapi/v4',
      dapiPublic: '/dapi/v1', dapiPrivate: '/dapi/v1', dapiPrivateV2: '/dapi/v2', dapiData: '/futures/data',
      fapiPublic: '/fapi/v1', fapiPublicV2: '/fapi/v2', fapiPublicV3: '/fapi/v3',
      fapiPrivate: '/fapi/v1', fapiPrivateV2: '/fapi/v2', fapiPrivateV3: '/fapi/v3', fapiData: '/futures/data',
      eapiPublic: '/eapi/v1', eapiPrivate: '/eapi/v1', papi: '/papi/v1', papiV2: '/papi/v2',
    };
    const api = Object.fromEntries(Object.entries(families).map(([key, path]) => [key, `${this.url}${path}`]));
    return { urls: { api }, ...extra };
  }

  get marketTime(): number {
    return this.now;
  }

  setMarketTime(ms: number): void {
    this.now = ms;
  }

  advance(ms: number): void {
    this.now += ms;
  }

  /** Moves the market clock by `stepMs` every `everyMs` of wall time until `close()` or the returned stop. */
  autoAdvance(stepMs: number, everyMs: number): () => void {
    const timer = setInterval(() => this.advance(stepMs), everyMs);
    this.timers.add(timer);
    return () => {
      clearInterval(timer);
      this.timers.delete(timer);
    };
  }

  /** The last price at market now (the forming candle's close so far), as the ticker reports it. */
  price(symbol: string): number {
    return this.current(toMarketId(symbol)).close;
  }

  /** Makes the next `times` requests to `route` (for `symbol`, when given) fail with `fault`. */
  inject(route: LoopbackRoute, fault: LoopbackFault, options: { times?: number; symbol?: string } = {}): void {
    this.faults.push({ route, symbol: options.symbol ?? null, fault, remaining: options.times ?? 1 });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  requests(filter: { route?: LoopbackRoute; symbol?: string } = {}): LoopbackRequest[] {
    return this.log.filter((r) => (filter.route === undefined || r.route === filter.route) && (filter.symbol === undefined || r.symbol === filter.symbol));
  }

  /** The recorded candles of a symbol with open time in [from, to], as the feed should deliver them. */
  candles(symbol: string, from: number, to: number, timeframe = '1m'): Candle[] {
    return series(toMarketId(symbol), timeframe).filter((c) => c.ts >= from && c.ts <= to);
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers.clear();
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  // --- routing -----------------------------------------------------------------------------------

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    const query = Object.fromEntries(url.searchParams);
    const route = routeOf(req.method ?? 'GET', url.pathname);
    const marketId = query['symbol'];
    const symbol = marketId && marketId in BASES ? toSymbol(marketId as MarketId) : (marketId ?? null);
    const entry = this.faults.find((f) => f.remaining > 0 && f.route === route && (f.symbol === null || f.symbol === symbol));
    if (entry) entry.remaining--;
    this.record({ route, path: url.pathname, symbol, query, at: Date.now(), fault: entry?.fault.kind ?? null });
    const fault = entry?.fault ?? null;
    if (fault?.kind === 'hang') {
      this.hanging.add(res);
      res.on('close', () => this.hanging.delete(res));
      return;
    }
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'status') {
      const headers: Record<string, string> = { 'content-type': fault.contentType ?? 'application/json' };
      if (fault.retryAfterS !== undefined) headers['retry-after'] = String(fault.retryAfterS);
      res.writeHead(fault.status, headers).end(fault.body ?? `{"code":-1000,"msg":"status ${fault.status}"}`);
      return;
    }
    if (fault?.kind === 'garbage') return void send(res, 200, '[[1679004900000,"24899.18","2494', 'application/json');
    if (fault?.kind === 'json') return void sendJson(res, fault.body);
    try {
      this.answer(route, query, fault, res);
    } catch (error) {
      sendJson(res, { code: -1121, msg: (error as Error).message }, 400);
    }
  }

  private answer(route: LoopbackRoute, query: Record<string, string>, fault: LoopbackFault | null, res: http.ServerResponse): void {
    switch (route) {
      case 'time':
        return void sendJson(res, { serverTime: this.now });
      case 'exchangeInfo':
        return void sendJson(res, { ...this.exchangeInfo, serverTime: this.now, symbols: fault?.kind === 'noSymbols' ? [] : this.exchangeInfo.symbols });
      case 'klines': {
        if (fault?.kind === 'empty') return void sendJson(res, []);
        const rows = this.klines(query);
        if (fault?.kind === 'nullRows') return void sendJson(res, rows.map((row) => row.map(() => null)));
        return void sendJson(res, fault?.kind === 'rows' ? fault.edit(rows) : rows);
      }
      case 'ticker':
        if (fault?.kind === 'empty') return void sendJson(res, {});
        return void sendJson(res, this.ticker(query));
      case 'depth':
        if (fault?.kind === 'empty') return void sendJson(res, {});
        if (fault?.kind === 'emptyBook') return void sendJson(res, { lastUpdateId: this.updateId++, bids: [], asks: [] });
        return void sendJson(res, this.depth(query));
      default:
        return void sendJson(res, { code: -1, msg: `the loopback exchange does not serve ${route}` }, 404);
    }
  }

  private record(request: LoopbackRequest): void {
    this.log.push(request);
    if (this.log.length > this.maxRecorded) this.log.splice(0, this.log.length - this.maxRecorded);
  }

  // --- market data -------------------------------------------------------------------------------

  /** Candles up to market now; the one containing now is still forming and shows partial values. */
  private klines(query: Record<string, string>): KlineRow[] {
    const id = marketIdOf(query);
    const interval = query['interval'] ?? '1m';
    const tf = timeframeToMs(interval);
    const data = series(id, interval);
    const end = upperBound(data, Math.min(this.now, query['endTime'] ? Number(query['endTime']) : Infinity));
    const limit = Math.min(Math.max(Number(query['limit'] ?? 500), 1), 1_000);
    let from: number;
    let to: number;
    if (query['startTime']) {
      from = lowerBound(data, Number(query['startTime']));
      to = Math.min(end, from + limit);
    } else {
      to = end;
      from = Math.max(0, end - limit);
    }
    return data.slice(from, Math.max(from, to)).map((c) => klineRow(this.shown(c, tf), tf));
  }

  /** A candle as the exchange shows it at market now: partial while it is still forming. */
  private shown(candle: Candle, tf: number): Candle {
    if (candle.ts + tf <= this.now) return candle;
    const f = (this.now - candle.ts) / tf;
    const close = round(candle.open + (candle.close - candle.open) * f, 8);
    return { ...candle, high: Math.max(candle.open, close), low: Math.min(candle.open, close), close, volume: round(candle.volume * f, 8) };
  }

  private current(id: MarketId): Candle {
    const data = series(id, '1m');
    const last = data[Math.max(0, upperBound(data, this.now) - 1)]!;
    return this.shown(last, 60_000);
  }

  private ticker(query: Record<string, string>): Record<string, unknown> {
    const id = marketIdOf(query);
    const c = this.current(id);
    return {
      symbol: id, priceChange: '0', priceChangePercent: '0', weightedAvgPrice: String(c.close), prevClosePrice: String(c.open),
      lastPrice: String(c.close), lastQty: '0.1', bidPrice: String(round(c.close - 0.01, 2)), bidQty: '1', askPrice: String(round(c.close + 0.01, 2)), askQty: '1',
      openPrice: String(c.open), highPrice: String(c.high), lowPrice: String(c.low), volume: String(c.volume), quoteVolume: String(round(c.volume * c.close, 8)),
      openTime: this.now - 86_400_000, closeTime: this.now, firstId: 1, lastId: 2, count: 2,
    };
  }

  /** A synthetic book one tick either side of the current price, thinning out with distance. */
  private depth(query: Record<string, string>): Record<string, unknown> {
    const id = marketIdOf(query);
    const mid = round(this.current(id).close, 2);
    const levels = Math.min(Math.max(Number(query['limit'] ?? 100), 1), 1_000);
    const side = (sign: 1 | -1) => Array.from({ length: levels }, (_, i) => [round(mid + sign * 0.01 * (i + 1), 2).toFixed(2), round(1 + i * 0.5, 8).toString()]);
    return { lastUpdateId: this.updateId++, bids: side(-1), asks: side(1) };
  }
}

function routeOf(method: string, path: string): LoopbackRoute {
  if (method !== 'GET') return 'other';
  switch (path) {
    case '/api/v3/exchangeInfo':
      return 'exchangeInfo';
    case '/api/v3/klines':
    case '/api/v3/uiKlines':
      return 'klines';
    case '/api/v3/ticker/24hr':
    case '/api/v3/ticker/price':
      return 'ticker';
    case '/api/v3/depth':
      return 'depth';
    case '/api/v3/time':
      return 'time';
    default:
      return 'other';
  }
}

function marketIdOf(query: Record<string, string>): MarketId {
  const id = query['symbol'];
  if (!id || !(id in BASES)) throw new Error('Invalid symbol.');
  return id as MarketId;
}

function toSymbol(id: MarketId): string {
  return `${BASES[id]}/USDT`;
}

function toMarketId(symbol: string): MarketId {
  const id = symbol.replace('/', '');
  if (!(id in BASES)) throw new Error(`the loopback exchange has no ${symbol}`);
  return id as MarketId;
}

function klineRow(c: Candle, tf: number): KlineRow {
  return [c.ts, String(c.open), String(c.high), String(c.low), String(c.close), String(c.volume), c.ts + tf - 1, String(round(c.volume * c.close, 8)), 100, '0', '0', '0'];
}

function lowerBound(data: readonly Candle[], ts: number): number {
  let lo = 0;
  let hi = data.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (data[mid]!.ts < ts) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index after the last candle with open time <= ts. */
function upperBound(data: readonly Candle[], ts: number): number {
  return lowerBound(data, Math.floor(ts) + 1);
}

function round(value: number, decimals: number): number {
  return Number(value.toFixed(decimals));
}

function send(res: http.ServerResponse, status: number, body: string, contentType: string): void {
  res.writeHead(status, { 'content-type': contentType }).end(body);
}

function sendJson(res: http.ServerResponse, body: unknown, status = 200): void {
  send(res, status, JSON.stringify(body), 'application/json');
}
