import { AsyncLocalStorage } from 'node:async_hooks';
import type { Exchange } from 'ccxt';
import type { Candle } from '../../model/candle.js';
import { ConfigError } from '../../model/errors.js';
import type { WallClock } from '../../ports/clock.js';
import { parseRetryAfter } from './backoff.js';
import { classifyFault, InvalidReplyError, type Fault, type ReplyMeta } from './fault.js';
import { candlesFromOhlcv, markFromTicker, orderBookFromReply, validateMarkets, type Mark, type OrderBookSnapshot, type ValidatedMarkets } from './reply-validation.js';

/** One OHLCV reply, validated, plus what ccxt's sorting would have hidden. */
export interface CandleReply {
  /** Ascending, as ccxt sorted them. */
  readonly candles: readonly Candle[];
  /** Rows the exchange sent older than the row before them. */
  readonly outOfOrderRows: number;
}

/** The exchange as the feed sees it: validated replies, or errors it can classify. */
export interface ExchangeClient {
  readonly id: string;
  readonly maxCandlesPerRequest: number;
  loadMarkets(symbols: readonly string[]): Promise<ValidatedMarkets>;
  fetchCandles(symbol: string, timeframe: string, since: number | null, limit: number): Promise<CandleReply>;
  fetchMark(symbol: string): Promise<Mark>;
  fetchOrderBook(symbol: string, depth: number): Promise<OrderBookSnapshot>;
  classify(error: unknown): Fault;
}

export interface Credentials {
  readonly apiKey?: string;
  readonly secret?: string;
  readonly password?: string;
}

export interface ExchangeSettings {
  readonly exchangeId: string;
  readonly ccxtOptions: Readonly<Record<string, unknown>>;
  readonly credentials: Credentials;
  readonly clock: WallClock;
}

/** Keys of a ccxt constructor config that hold secrets: they come from the environment only. */
export const CREDENTIAL_KEYS = ['apiKey', 'secret', 'password', 'uid', 'accountId', 'login', 'twofa', 'privateKey', 'walletAddress', 'token'] as const;

/** Binance's spot page of candles: the size used when ccxt does not say the exchange's own. */
const DEFAULT_CANDLES_PER_REQUEST = 1_000;

/** The exchange's own largest page of spot candles, as ccxt describes it (`features`), else Binance's. */
function ohlcvPageLimit(exchange: Exchange): number {
  const spot = (exchange.features as Record<string, { fetchOHLCV?: { limit?: unknown } } | undefined> | undefined)?.['spot'];
  const limit = spot?.fetchOHLCV?.limit;
  return typeof limit === 'number' && Number.isInteger(limit) && limit > 0 ? limit : DEFAULT_CANDLES_PER_REQUEST;
}

/** Tracks, per fetchOHLCV call, what the raw rows looked like before ccxt sorted and filtered them. */
interface OhlcvProbe {
  rows: number;
  outOfOrder: number;
  withoutTimestamp: number;
}

/**
 * Loads ccxt (lazily: only a ccxt feed pays for it) and builds a spot-only, rate-limited exchange.
 * Constructor settings from the config are merged in, but credentials come only from `credentials`.
 */
export async function openExchange(settings: ExchangeSettings): Promise<ExchangeClient> {
  const ccxt = await import('ccxt');
  const { exchangeId } = settings;
  // The named export `exchanges` maps id → class (the default export's is a list of ids).
  const constructors = ccxt.exchanges as unknown as Record<string, unknown>;
  if (!Object.hasOwn(constructors, exchangeId) || typeof constructors[exchangeId] !== 'function') {
    throw new ConfigError(`feed.exchange "${exchangeId}" is not an exchange ccxt ${ccxt.version} knows`);
  }
  const Ctor = constructors[exchangeId] as new (config: object) => Exchange;
  const exchange = new Ctor(constructorConfig(settings));
  restrictToSpot(exchange);
  const meta = new WeakMap<object, ReplyMeta>();
  const probes = new AsyncLocalStorage<OhlcvProbe>();
  installReplyHooks(exchange, meta, probes, settings.clock);
  const classes = { BaseError: ccxt.BaseError, ExchangeError: ccxt.ExchangeError, OperationFailed: ccxt.OperationFailed };

  return {
    id: exchangeId,
    maxCandlesPerRequest: ohlcvPageLimit(exchange),
    async loadMarkets(symbols) {
      const before = marketsState(exchange);
      try {
        // reload=true: ccxt memoises the loading promise, a rejected one included, and would replay it forever.
        await exchange.loadMarkets(true);
        return validateMarkets(exchange.markets, symbols);
      } catch (error) {
        restoreMarkets(exchange, before);
        throw error;
      }
    },
    async fetchCandles(symbol, timeframe, since, limit) {
      const probe: OhlcvProbe = { rows: 0, outOfOrder: 0, withoutTimestamp: 0 };
      const rows = await probes.run(probe, () => exchange.fetchOHLCV(symbol, timeframe, since ?? undefined, limit));
      // With `since`, ccxt silently drops rows whose timestamp is missing; a reply with such rows is broken.
      if (probe.withoutTimestamp > 0) throw new InvalidReplyError(`${symbol}: ${probe.withoutTimestamp} of ${probe.rows} OHLCV rows have no timestamp`);
      return { candles: candlesFromOhlcv(rows, symbol, settings.clock.now()), outOfOrderRows: probe.outOfOrder };
    },
    async fetchMark(symbol) {
      return markFromTicker(await exchange.fetchTicker(symbol), symbol, settings.clock.now());
    },
    async fetchOrderBook(symbol, depth) {
      return orderBookFromReply(await exchange.fetchOrderBook(symbol, depth), symbol, settings.clock.now());
    },
    classify(error) {
      return classifyFault(error, classes, typeof error === 'object' && error !== null ? meta.get(error) ?? null : null);
    },
  };
}

function constructorConfig({ ccxtOptions, credentials }: ExchangeSettings): Record<string, unknown> {
  const config: Record<string, unknown> = { ...ccxtOptions };
  for (const key of CREDENTIAL_KEYS) delete config[key];
  const options = typeof ccxtOptions['options'] === 'object' && ccxtOptions['options'] !== null ? ccxtOptions['options'] : {};
  config['options'] = { ...options, defaultType: 'spot' };
  config['enableRateLimit'] = true;
  const keys = Object.entries(credentials).filter(([, value]) => typeof value === 'string' && value !== '');
  for (const [key, value] of keys) config[key] = value;
  // ccxt's verbose mode prints request headers (the API key) to stdout, past every log redaction.
  if (keys.length > 0) config['verbose'] = false;
  return config;
}

/** Markets of other types are never loaded: fewer requests, and no futures symbol can shadow a spot one. */
function restrictToSpot(exchange: Exchange): void {
  const options = exchange.options;
  const fetchMarkets: unknown = options['fetchMarkets'];
  if (Array.isArray(fetchMarkets)) options['fetchMarkets'] = ['spot'];
  else if (typeof fetchMarkets === 'object' && fetchMarkets !== null && Array.isArray((fetchMarkets as { types?: unknown }).types)) {
    options['fetchMarkets'] = { ...fetchMarkets, types: ['spot'] };
  }
  // binance: margin pairs and currencies are private calls that need keys and are not needed here.
  if ('fetchMargins' in options) options['fetchMargins'] = false;
  if ('fetchCurrencies' in options) options['fetchCurrencies'] = false;
}

/** What ccxt's setMarkets writes: the loaded markets and everything derived from them. */
const MARKET_FIELDS = ['markets', 'markets_by_id', 'symbols', 'ids', 'currencies', 'currencies_by_id', 'codes', 'baseCurrencies', 'quoteCurrencies'] as const;
type MarketsState = Record<(typeof MARKET_FIELDS)[number], unknown>;

function marketsState(exchange: Exchange): MarketsState {
  const fields = exchange as unknown as MarketsState;
  return Object.fromEntries(MARKET_FIELDS.map((key) => [key, fields[key]])) as MarketsState;
}

/**
 * After a failed or empty load ccxt keeps a rejected (or empty) loading promise, which every later
 * request would await. The markets go back to what they were before it: those loaded earlier stay
 * in force, so that ccxt neither fails every request nor loads them again behind the feed's back;
 * with none loaded yet, the next call loads afresh.
 */
function restoreMarkets(exchange: Exchange, before: MarketsState): void {
  const mutable = exchange as unknown as MarketsState & { marketsLoading: unknown };
  for (const key of MARKET_FIELDS) mutable[key] = before[key];
  mutable.marketsLoading = undefined;
}

type RestResponse = { status?: unknown; headers?: unknown };
type HandleRestResponse = (response: RestResponse, ...rest: unknown[]) => Promise<unknown>;
type ParseOhlcvs = (ohlcvs: unknown, market?: unknown, ...rest: unknown[]) => unknown;

/**
 * Two instance-level hooks into ccxt's request path:
 * - every error thrown while handling a reply remembers the HTTP status and Retry-After (ccxt's error
 *   carries neither, and binance turns unknown codes in a 500 body into a plain ExchangeError);
 *   a 2xx body that is not JSON (ccxt hands the raw text on) becomes an InvalidReplyError;
 * - OHLCV rows are inspected before ccxt sorts them and drops the ones without a timestamp.
 */
function installReplyHooks(exchange: Exchange, meta: WeakMap<object, ReplyMeta>, probes: AsyncLocalStorage<OhlcvProbe>, clock: WallClock): void {
  const hooked = exchange as unknown as { handleRestResponse: HandleRestResponse; parseOHLCVs: ParseOhlcvs };
  const handleRestResponse = hooked.handleRestResponse.bind(exchange) as HandleRestResponse;
  hooked.handleRestResponse = async (response, ...rest) => {
    const status = typeof response.status === 'number' ? response.status : 0;
    try {
      const body = await handleRestResponse(response, ...rest);
      if (typeof body === 'string' && body.trim() !== '') throw new InvalidReplyError(`${exchange.id} replied ${status} with a body that is not JSON: ${body.slice(0, 80)}`);
      return body;
    } catch (error) {
      if (typeof error === 'object' && error !== null) meta.set(error, { status, retryAfterMs: parseRetryAfter(headerValue(response.headers, 'retry-after'), clock.now()) });
      throw error;
    }
  };
  const parseOHLCVs = hooked.parseOHLCVs.bind(exchange) as ParseOhlcvs;
  hooked.parseOHLCVs = (ohlcvs, market, ...rest) => {
    const probe = probes.getStore();
    if (probe && Array.isArray(ohlcvs)) inspectRows(exchange, probe, ohlcvs, market);
    return parseOHLCVs(ohlcvs, market, ...rest);
  };
}

function inspectRows(exchange: Exchange, probe: OhlcvProbe, rows: readonly unknown[], market: unknown): void {
  let previous = -Infinity;
  for (const row of rows) {
    probe.rows++;
    let ts: unknown;
    try {
      ts = exchange.parseOHLCV(row, market as never)[0];
    } catch {
      ts = undefined;
    }
    if (typeof ts !== 'number' || !Number.isFinite(ts) || ts <= 0) {
      probe.withoutTimestamp++;
      continue;
    }
    if (ts < previous) probe.outOfOrder++;
    previous = Math.max(previous, ts);
  }
}

/** Reads a header from a fetch Headers object or undici's plain header record. */
function headerValue(headers: unknown, name: string): unknown {
  if (typeof headers !== 'object' || headers === null) return undefined;
  const get = (headers as { get?: unknown }).get;
  if (typeof get === 'function') return (get as (n: string) => unknown).call(headers, name);
  const record = headers as Record<string, unknown>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value[0] : value;
}
