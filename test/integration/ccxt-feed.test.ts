import { execa } from 'execa';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createCcxtFeed, type CcxtFeed, type CcxtFeedOptions } from '../../src/feeds/ccxt/ccxt-feed.js';
import type { Candle } from '../../src/model/candle.js';
import { OperationalError, TransientError } from '../../src/model/errors.js';
import type { Logger } from '../../src/ports/logger.js';
import type { CandleBatch, FeedRunOptions } from '../../src/ports/market-feed.js';
import { ROOT } from '../support/daemon.js';
import { Faults, LoopbackExchange, type LoopbackFault, type LoopbackRequest } from '../support/loopback-exchange.js';

/**
 * The ccxt feed with the real ccxt client against a loopback Binance. Backoff is asserted on the
 * arrival times the server recorded. Jitter is pinned to its upper bound (random = 1) where a
 * test asserts the schedule, so full jitter's ceiling base·2^(n-1) is what the requests show.
 */

const SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'];
const MIN = 60_000;
/** Market "now" at start: 30 s into the 2023-03-20 00:00 candle, which is still forming. */
const T0 = Date.UTC(2023, 2, 20, 0, 0, 30);
const C0 = T0 - 30_000;
const BASE_MS = 100;

interface LogLine {
  readonly at: number;
  readonly level: string;
  readonly obj: Record<string, unknown>;
  readonly msg: string;
}

function captureLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: string) =>
    (objOrMsg: object | string, msg?: string): void => {
      if (typeof objOrMsg === 'string') lines.push({ at: Date.now(), level, obj: {}, msg: objOrMsg });
      else lines.push({ at: Date.now(), level, obj: objOrMsg as Record<string, unknown>, msg: msg ?? '' });
    };
  return { logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), fatal: at('fatal') }, lines };
}

interface Harness {
  readonly ex: LoopbackExchange;
  readonly feed: CcxtFeed;
  readonly batches: CandleBatch[];
  /** Wall time each batch arrived, by index. */
  readonly arrivals: number[];
  /** What the feed's health said while each batch was being handled, by index. */
  readonly healthAtBatch: boolean[];
  readonly lines: LogLine[];
  running: Promise<void> | null;
  run(options?: Partial<FeedRunOptions>): void;
}

const open: Harness[] = [];

afterEach(async () => {
  for (const h of open.splice(0)) {
    h.feed.stop();
    await h.running;
    await h.ex.close();
  }
});

async function harness(overrides: Partial<CcxtFeedOptions> = {}, marketTime = T0, ccxtExtra: Record<string, unknown> = {}): Promise<Harness> {
  const ex = await LoopbackExchange.start({ marketTime });
  const { logger, lines } = captureLogger();
  const feed = await createCcxtFeed({
    exchange: 'binance',
    symbols: SYMBOLS,
    timeframe: '1m',
    pollIntervalS: 0.05,
    staleAfterS: 5,
    ccxtOptions: ex.ccxtOptions({ rateLimit: 1, timeout: 400, ...ccxtExtra }),
    env: {},
    clock: { now: () => Date.now() },
    logger,
    random: () => 1,
    backoff: { baseMs: BASE_MS, capMs: 1_600, floorMs: 20 },
    markIntervalS: 0.3,
    ...overrides,
  });
  const h: Harness = {
    ex,
    feed,
    batches: [],
    arrivals: [],
    healthAtBatch: [],
    lines,
    running: null,
    run(options = {}) {
      h.running = feed.run({ after: null, warmupCandles: 0, ...options }, (batch) => {
        h.batches.push(batch);
        h.arrivals.push(Date.now());
        h.healthAtBatch.push(feed.health().healthy);
      });
    },
  };
  open.push(h);
  return h;
}

async function waitFor(what: string, condition: () => boolean, timeoutMs = 8_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const batchAt = (h: Harness, ts: number) => h.batches.find((b) => b.ts === ts);
const iso = (ts: number) => new Date(ts).toISOString();
const spacings = (requests: readonly LoopbackRequest[]) => requests.slice(1).map((r, i) => r.at - requests[i]!.at);
const candlesOf = (h: Harness, symbol: string): Candle[] => h.batches.flatMap((b) => b.candles.filter((c) => c.symbol === symbol));

/** Starts a feed without warm-up and waits until every symbol has polled successfully. */
async function healthyHarness(overrides: Partial<CcxtFeedOptions> = {}, marketTime = T0, ccxtExtra: Record<string, unknown> = {}): Promise<Harness> {
  const h = await harness(overrides, marketTime, ccxtExtra);
  h.run();
  await waitFor('a healthy feed', () => h.feed.health().healthy);
  return h;
}

describe('ccxt feed against a loopback binance', () => {
  it('when the market clock advances then only closed candles arrive, once each, in time order, after flagged warm-up history', async () => {
    const h = await harness();
    const markets = await h.feed.loadMarkets();
    expect([...markets.keys()]).toEqual(SYMBOLS);
    expect(markets.get('BTC/USDT')).toMatchObject({ amountStep: 0.00001, priceTick: 0.01, minCost: 5 });
    expect(h.feed.health().healthy).toBe(false); // not polled yet
    h.run({ warmupCandles: 3 });
    await waitFor('warm-up', () => h.batches.length >= 3);
    for (let k = 0; k < 3; k++) {
      await new Promise((resolve) => setTimeout(resolve, 150)); // a few polls on an unchanged market: nothing new
      h.ex.advance(MIN);
      await waitFor(`candle ${k}`, () => batchAt(h, C0 + k * MIN) !== undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(h.batches.map((b) => [iso(b.ts), b.warmup, b.candles.length])).toEqual([
      [iso(C0 - 3 * MIN), true, 3],
      [iso(C0 - 2 * MIN), true, 3],
      [iso(C0 - MIN), true, 3],
      [iso(C0), false, 3],
      [iso(C0 + MIN), false, 3],
      [iso(C0 + 2 * MIN), false, 3],
    ]);
    // Exactly the recorded candles: a forming candle (partial values) was never delivered.
    for (const symbol of SYMBOLS) expect(candlesOf(h, symbol)).toEqual(h.ex.candles(symbol, C0 - 3 * MIN, C0 + 2 * MIN));
    const health = h.feed.health();
    expect(health).toMatchObject({ healthy: true, staleSymbols: [], ended: false });
    expect(health.lastTickAt).not.toBeNull();
    expect(h.feed.latestMark('BTC/USDT')?.price).toBeGreaterThan(0);
    expect(h.ex.requests({ route: 'other' })).toEqual([]); // spot only: no sapi/fapi/dapi calls
  });

  it.each([
    ['later than the history', C0 + MIN, 2, [[-2, true], [-1, true], [0, true], [1, true], [2, false]]],
    ['inside the history', C0 - 2 * MIN, 3, [[-3, true], [-2, true], [-1, true], [0, false], [1, false], [2, false]]],
  ] as const)('when run resumes after a market time %s then candles up to it are warm-up and live batches start after it', async (_, after, warmupCandles, expected) => {
    const h = await harness();
    h.run({ after, warmupCandles });
    await waitFor('warm-up', () => h.batches.length >= warmupCandles);
    h.ex.advance(2 * MIN);
    await waitFor('two more candles', () => batchAt(h, C0 + MIN) !== undefined);
    expect(h.feed.health().lastTickAt === null).toBe(after > C0);
    h.ex.advance(MIN);
    await waitFor('the next candle', () => batchAt(h, C0 + 2 * MIN) !== undefined);
    expect(h.batches.map((b) => [(b.ts - C0) / MIN, b.warmup])).toEqual(expected);
  });

  const transient: Array<[string, LoopbackFault, string, number]> = [
    ['HTTP 500 with a binance JSON error', Faults.serverError(), 'OperationFailed', 0],
    ['HTTP 500 with an error code ccxt does not know', Faults.serverErrorUnknownCode(), 'ExchangeError', 0],
    ['HTTP 503 with an HTML body', Faults.unavailable(), 'ExchangeNotAvailable', 0],
    ['HTTP 429 without Retry-After', { kind: 'status', status: 429, body: '{"code":-1003,"msg":"Too many requests."}' }, 'DDoSProtection', 0],
    ['a connection reset', Faults.reset(), 'NetworkError', 0],
    ['a request that hangs', Faults.hang(), 'RequestTimeout', 400],
    ['a truncated JSON body', Faults.garbage(), 'InvalidReply', 0],
    ['kline rows of nulls', Faults.nullRows(), 'InvalidReply', 0],
    ['an empty kline list', Faults.empty(), 'InvalidReply', 0],
  ];

  it.each(transient)('when klines fail with %s then retries back off exponentially and the feed recovers without delivering bad data', async (_, fault, errorName, timeoutMs) => {
    const h = await healthyHarness();
    h.ex.inject('klines', fault, { times: 4, symbol: 'BTC/USDT' });
    h.ex.advance(MIN);
    await waitFor('the candle after the faults', () => batchAt(h, C0) !== undefined);

    const btc = h.ex.requests({ route: 'klines', symbol: 'BTC/USDT' });
    const first = btc.findIndex((r) => r.fault !== null);
    const attempts = btc.slice(first, first + 5);
    expect(attempts.map((r) => r.fault)).toEqual([fault.kind, fault.kind, fault.kind, fault.kind, null]);
    const gaps = spacings(attempts);
    gaps.forEach((gap, i) => {
      const backoff = BASE_MS * 2 ** i; // 100, 200, 400, 800 ms
      expect(gap).toBeGreaterThanOrEqual(backoff + timeoutMs - 5);
      expect(gap).toBeLessThan(backoff + timeoutMs + 300);
      if (i > 0) expect(gap).toBeGreaterThan(gaps[i - 1]!);
    });
    // The batch waited for BTC (not stale yet) and holds only recorded, closed values.
    expect(batchAt(h, C0)!.candles).toEqual(SYMBOLS.flatMap((s) => h.ex.candles(s, C0, C0)));
    expect(h.feed.stats()['BTC/USDT']).toMatchObject({ failures: 4, invalidReplies: errorName === 'InvalidReply' ? 4 : 0 });
    const warnings = h.lines.filter((l) => l.level === 'warn' && l.obj['symbol'] === 'BTC/USDT' && l.obj['what'] === 'candles');
    expect(warnings.map((l) => l.obj['error'])).toEqual([errorName, errorName, errorName, errorName]);
    expect(h.feed.health().healthy).toBe(true);
  });

  it('when klines keep failing with real jitter then attempts are never closer than the floor nor later than their ceiling', async () => {
    const h = await healthyHarness({ random: Math.random, backoff: { baseMs: BASE_MS, capMs: 1_600, floorMs: 50 } });
    h.ex.inject('klines', Faults.unavailable(), { times: 6, symbol: 'ETH/USDT' });
    h.ex.advance(MIN);
    await waitFor('the candle after the faults', () => batchAt(h, C0) !== undefined);
    const eth = h.ex.requests({ route: 'klines', symbol: 'ETH/USDT' });
    const first = eth.findIndex((r) => r.fault !== null);
    const gaps = spacings(eth.slice(first, first + 7));
    expect(gaps).toHaveLength(6);
    gaps.forEach((gap, i) => {
      expect(gap).toBeGreaterThanOrEqual(50 - 5);
      expect(gap).toBeLessThan(Math.min(1_600, BASE_MS * 2 ** i) + 300);
    });
  });

  it.each([
    ['429', Faults.rateLimited(1)],
    ['418', Faults.banned(1)],
  ])('when klines answer %s with Retry-After then no request of any kind goes out until it has passed', async (_, fault) => {
    const h = await healthyHarness();
    h.ex.inject('klines', fault, { symbol: 'BTC/USDT' });
    h.ex.advance(MIN);
    await waitFor('the candle after the ban', () => batchAt(h, C0) !== undefined);
    const limited = h.ex.requests().find((r) => r.fault === 'status')!;
    const during = h.ex.requests().filter((r) => r.at > limited.at + 50 && r.at < limited.at + 950);
    expect(during).toEqual([]);
    const next = h.ex.requests({ route: 'klines', symbol: 'BTC/USDT' }).find((r) => r.at > limited.at)!;
    expect(next.at - limited.at).toBeGreaterThanOrEqual(1_000);
    expect(next.at - limited.at).toBeLessThan(1_000 + BASE_MS + 300);
    expect(h.lines.some((l) => l.obj['retry_after_ms'] === 1_000)).toBe(true);
  });

  it('when one symbol keeps failing then the others wait for it until it is stale, go on without it, and it rejoins when it recovers', async () => {
    const h = await healthyHarness({ staleAfterS: 1 });
    h.ex.autoAdvance(MIN, 200); // a new candle every 200 ms, so only a failing symbol goes stale
    await waitFor('live batches', () => h.batches.length >= 3);
    h.ex.inject('klines', Faults.unavailable(), { times: 10_000, symbol: 'SOL/USDT' });
    await waitFor('SOL stale', () => h.feed.health().staleSymbols.includes('SOL/USDT'));
    expect(h.feed.health()).toMatchObject({ healthy: false, staleSymbols: ['SOL/USDT'] });
    await waitFor('batches without SOL', () => h.batches.filter((b) => b.candles.length === 2).length >= 3);
    const staleLine = h.lines.find((l) => l.msg.startsWith('symbol is stale') && l.obj['symbol'] === 'SOL/USDT')!;
    const withoutSol = h.batches.map((b, i) => ({ b, at: h.arrivals[i]! })).filter(({ b }) => !b.candles.some((c) => c.symbol === 'SOL/USDT'));
    expect(withoutSol.every(({ b }) => b.candles.map((c) => c.symbol).join() === 'BTC/USDT,ETH/USDT')).toBe(true);
    // While SOL was lagging but not yet stale its partners' candles were held back, not delivered without it.
    expect(withoutSol.every(({ at }) => at >= staleLine.at)).toBe(true);
    // Once it is stale, the others keep the candles' pace (one per 200 ms), one by one: not in
    // clumps held back until each of SOL's attempts ends (1.6 s apart at its backoff's cap).
    const from = h.batches.length;
    await waitFor('twenty more batches without SOL', () => h.batches.length >= from + 20);
    const gaps = h.arrivals.slice(from + 1, from + 20).map((at, i) => at - h.arrivals[from + i]!);
    expect(Math.max(...gaps)).toBeLessThan(1_000);

    h.ex.clearFaults();
    await waitFor('SOL fresh again', () => h.feed.health().healthy);
    const rejoinedFrom = h.batches.length;
    await waitFor('batches with SOL again', () => h.batches.length >= rejoinedFrom + 2);
    expect(h.batches.slice(rejoinedFrom).every((b) => b.candles.length === 3)).toBe(true);
    expect(h.feed.stats()['SOL/USDT']!.late).toBeGreaterThanOrEqual(1); // its candles older than batches already out: dropped, counted
    expect(h.lines.some((l) => l.msg.startsWith('candles arrived after later batches') && l.obj['symbol'] === 'SOL/USDT')).toBe(true);
    expect(h.lines.some((l) => l.msg === 'symbol is fresh again' && l.obj['symbol'] === 'SOL/USDT')).toBe(true);
    const ts = h.batches.map((b) => b.ts);
    expect(ts).toEqual([...new Set(ts)].sort((a, b) => a - b)); // market time never went back
  });

  it('when every symbol is down for longer than stale_after_s and they recover at different times then the catch-up goes out whole, no candle late', async () => {
    const h = await healthyHarness({ staleAfterS: 1 });
    const pause = h.ex.autoAdvance(MIN, 200);
    await waitFor('live batches', () => h.batches.length >= 3);
    pause();
    await new Promise((resolve) => setTimeout(resolve, 300)); // every symbol has the last candle
    // The outage starts for each symbol out of step, while no candle closes, so their backoffs have
    // their own phases: after it, one recovers first and the others are still waiting out theirs.
    for (const symbol of SYMBOLS) {
      h.ex.inject('klines', Faults.unavailable(), { times: 10_000, symbol });
      await new Promise((resolve) => setTimeout(resolve, 450));
    }
    h.ex.autoAdvance(MIN, 200);
    await waitFor('every symbol stale', () => h.feed.health().staleSymbols.length === 3);
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // backoffs at their cap
    const before = h.batches.length;
    const outageFrom = h.batches[before - 1]!.ts;
    h.ex.clearFaults();
    await waitFor('healthy again', () => h.feed.health().healthy, 12_000);
    await waitFor('batches after the outage', () => h.batches.length >= before + 5);
    for (const symbol of SYMBOLS) expect(h.feed.stats()[symbol]!.late).toBe(0);
    expect(h.lines.some((l) => l.msg.startsWith('candles arrived after later batches'))).toBe(false);
    const after = h.batches.slice(before);
    expect(after[0]!.ts).toBe(outageFrom + MIN); // no candle of the outage lost
    for (const batch of after) expect(batch.candles.map((c) => c.symbol)).toEqual(SYMBOLS);
    const ts = h.batches.map((b) => b.ts);
    expect(ts).toEqual([...new Set(ts)].sort((a, b) => a - b));
  });

  it('when missed candles go out in a burst then the feed is unhealthy while it delivers those more than stale_after_s behind the exchange, and healthy once caught up', async () => {
    const h = await healthyHarness(); // stale_after_s 5
    h.ex.advance(6 * MIN); // as after a restart or an outage: six candles closed at once
    await waitFor('the burst', () => batchAt(h, C0 + 5 * MIN) !== undefined);
    const burst = h.batches.map((b, i) => ({ ts: b.ts, healthy: h.healthAtBatch[i] })).filter(({ ts }) => ts >= C0);
    expect(burst.map(({ ts }) => (ts - C0) / MIN)).toEqual([0, 1, 2, 3, 4, 5]);
    // Minutes behind the newest closed candle: old data, no entry on it; the newest is live again.
    expect(burst.map(({ healthy }) => healthy)).toEqual([false, false, false, false, false, true]);
    expect(h.feed.health().healthy).toBe(true);
    expect(h.lines.filter((l) => l.msg.startsWith('catching up on missed candles'))).toHaveLength(1);
    expect(h.lines.filter((l) => l.msg === 'caught up with the exchange')).toHaveLength(1);
  });

  it('when a symbol gets a non-transient error then it is stale at once, the others go on, and it is retried slowly', async () => {
    const h = await healthyHarness({ staleAfterS: 30 });
    h.ex.inject('klines', Faults.invalidSymbol(), { times: 3, symbol: 'SOL/USDT' });
    h.ex.advance(MIN);
    await waitFor('the batch without SOL', () => batchAt(h, C0) !== undefined);
    expect(batchAt(h, C0)!.candles.map((c) => c.symbol)).toEqual(['BTC/USDT', 'ETH/USDT']);
    expect(h.feed.health().staleSymbols).toEqual(['SOL/USDT']);
    await waitFor('SOL back', () => h.feed.health().healthy, 12_000);
    const sol = h.ex.requests({ route: 'klines', symbol: 'SOL/USDT' });
    const first = sol.findIndex((r) => r.fault !== null);
    const retries = sol.slice(first, first + 4);
    expect(retries.map((r) => r.fault)).toEqual(['status', 'status', 'status', null]);
    for (const gap of spacings(retries)) expect(gap).toBeGreaterThanOrEqual(1_600 - 5); // the backoff cap
    const errors = h.lines.filter((l) => l.level === 'error' && l.obj['symbol'] === 'SOL/USDT');
    expect(errors.map((l) => l.obj['error'])).toEqual(['BadSymbol']); // logged once, not per retry
  });

  it('when exchangeInfo comes back empty or garbled then loadMarkets retries with backoff, ccxt forgets the empty markets, and polling works', async () => {
    const h = await harness();
    h.ex.inject('exchangeInfo', Faults.noSymbols(), { times: 2 });
    h.ex.inject('exchangeInfo', Faults.garbage());
    const markets = await h.feed.loadMarkets();
    expect([...markets.keys()]).toEqual(SYMBOLS);
    const info = h.ex.requests({ route: 'exchangeInfo' });
    expect(info.map((r) => r.fault)).toEqual(['noSymbols', 'noSymbols', 'garbage', null]);
    const gaps = spacings(info);
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(BASE_MS * 2 ** i - 5));
    h.run({ warmupCandles: 1 });
    await waitFor('warm-up', () => h.batches.length === 1);
    expect(h.ex.requests({ route: 'exchangeInfo' })).toHaveLength(4); // markets were not reloaded by ccxt behind the feed's back
    expect(h.lines.filter((l) => l.obj['what'] === 'markets').map((l) => l.obj['error'])).toEqual(['InvalidReply', 'InvalidReply', 'InvalidReply', undefined]);
  });

  it('when a configured symbol is not listed on the exchange then it is left out of the markets, stale from the start, and the others go on', async () => {
    const h = await harness({ symbols: [...SYMBOLS, 'XRP/USDT'], staleAfterS: 30 });
    expect([...(await h.feed.loadMarkets()).keys()]).toEqual(SYMBOLS);
    h.run({ warmupCandles: 1 });
    await waitFor('warm-up without XRP', () => h.batches.length === 1);
    expect(h.batches[0]!.candles.map((c) => c.symbol)).toEqual(SYMBOLS);
    expect(h.feed.health()).toMatchObject({ healthy: false, staleSymbols: ['XRP/USDT'] });
    h.ex.advance(MIN);
    await waitFor('a live batch', () => batchAt(h, C0) !== undefined);
    expect(h.lines.filter((l) => l.level === 'error' && l.obj['symbol'] === 'XRP/USDT')).toHaveLength(1);
  });

  it('when tickers are malformed then the mark keeps its last valid value, and recovers afterwards', async () => {
    const h = await healthyHarness();
    await waitFor('marks', () => SYMBOLS.every((s) => h.feed.latestMark(s) !== null));
    const before = h.feed.latestMark('BTC/USDT')!;
    h.ex.inject('ticker', Faults.empty(), { times: 2, symbol: 'BTC/USDT' });
    h.ex.inject('ticker', Faults.garbage(), { times: 10_000, symbol: 'BTC/USDT' });
    h.ex.advance(MIN);
    await waitFor('ETH mark refreshed', () => h.feed.latestMark('ETH/USDT')!.receivedAt > before.receivedAt + 400);
    await waitFor('3 rejected tickers', () => h.ex.requests({ route: 'ticker', symbol: 'BTC/USDT' }).filter((r) => r.fault).length >= 3);
    expect(h.feed.latestMark('BTC/USDT')).toBe(before);
    h.ex.clearFaults();
    await waitFor('BTC mark refreshed', () => h.feed.latestMark('BTC/USDT') !== before);
    expect(h.feed.latestMark('BTC/USDT')!.price).toBe(h.ex.price('BTC/USDT'));
    expect(h.feed.health().healthy).toBe(true); // tickers do not make candles stale
  });

  it.each([
    ['fails with HTTP 500', Faults.serverError()],
    ['lists no symbols', Faults.noSymbols()],
  ])('when a markets refresh %s then the markets loaded before stay in force: ccxt does not load them behind the feed\'s back and candles keep coming', async (_, fault) => {
    const h = await healthyHarness({ marketsRefreshS: 1 });
    h.ex.inject('exchangeInfo', fault, { times: 2 });
    await waitFor('the failed refresh', () => h.lines.some((l) => l.msg.startsWith('markets not refreshed')), 3_000);
    h.ex.advance(MIN);
    await waitFor('the next candle', () => batchAt(h, C0) !== undefined, 700);
    expect(batchAt(h, C0)!.candles.map((c) => c.symbol)).toEqual(SYMBOLS);
    expect(h.ex.requests({ route: 'exchangeInfo' })).toHaveLength(2); // the start and the failed refresh, nothing else
    expect(h.feed.health()).toMatchObject({ healthy: true, staleSymbols: [] });
  });

  it.each([
    ['klines answer 418', 'klines' as const, Faults.banned(2)],
    ['the markets refresh is answered 429', 'exchangeInfo' as const, Faults.rateLimited(2)],
  ])('when %s with Retry-After then the markets refresh honours it too: no request of any kind goes out until it has passed', async (_, route, fault) => {
    const h = await healthyHarness({ marketsRefreshS: 0.3 });
    h.ex.inject(route, fault);
    await waitFor('the ban', () => h.ex.requests().some((r) => r.fault === 'status'), 3_000);
    const limited = h.ex.requests().find((r) => r.fault === 'status')!;
    await waitFor('the ban over', () => Date.now() > limited.at + 2_200, 3_000);
    const during = h.ex.requests().filter((r) => r.at > limited.at + 50 && r.at < limited.at + 1_950);
    expect(during).toEqual([]);
    expect(h.ex.requests({ route: 'exchangeInfo' }).filter((r) => r.at > limited.at).length).toBeGreaterThan(0); // refreshed after it
  });

  it('when the broker asks for order books then it gets validated books, and typed errors for bad ones and during a ban', async () => {
    const h = await healthyHarness();
    const book = await h.feed.fetchOrderBook('BTC/USDT', 5);
    expect(book.bids).toHaveLength(5);
    expect(book.asks).toHaveLength(5);
    expect(book.bids[0]![0]).toBeLessThan(book.asks[0]![0]);
    expect(book.bids.map((l) => l[0])).toEqual([...book.bids.map((l) => l[0])].sort((a, b) => b - a));

    h.ex.inject('depth', Faults.emptyBook());
    await expect(h.feed.fetchOrderBook('BTC/USDT', 5)).rejects.toThrow(TransientError);
    h.ex.inject('depth', { kind: 'json', body: { lastUpdateId: 1, bids: [['101.00', '1']], asks: [['100.00', '1']] } });
    await expect(h.feed.fetchOrderBook('BTC/USDT', 5)).rejects.toThrow(/crossed/);
    h.ex.inject('depth', Faults.garbage());
    await expect(h.feed.fetchOrderBook('BTC/USDT', 5)).rejects.toThrow(TransientError);
    h.ex.inject('depth', Faults.invalidSymbol());
    await expect(h.feed.fetchOrderBook('BTC/USDT', 5)).rejects.toThrow(OperationalError);
    h.ex.inject('depth', Faults.rateLimited(2));
    await expect(h.feed.fetchOrderBook('BTC/USDT', 5)).rejects.toThrow(TransientError);
    const depthRequests = h.ex.requests({ route: 'depth' }).length;
    await expect(h.feed.fetchOrderBook('BTC/USDT', 5)).rejects.toThrow(/wait/);
    expect(h.ex.requests({ route: 'depth' })).toHaveLength(depthRequests); // the ban is respected, not tested again
  });

  const integrity: Array<[string, (rows: unknown[][]) => unknown[][], Record<string, number>, number[]]> = [
    ['repeats a row', (rows) => [rows[0]!, rows[1]!, rows[1]!, ...rows.slice(2)], { duplicates: 1 }, [0, 1, 2]],
    ['sends the rows newest first', (rows) => [...rows].reverse(), { outOfOrder: 4 }, [0, 1, 2]],
    ['leaves a candle out', (rows) => rows.filter((_, i) => i !== 2), { gaps: 1, missingCandles: 1 }, [0, 2]],
    ['lags behind what it already said', (rows) => rows.slice(0, 1), { outOfOrder: 1, invalidReplies: 1 }, [0, 1, 2]],
  ];

  it.each(integrity)('when the exchange %s then it is counted and logged and each candle goes out at most once, in order', async (_, edit, counts, minutes) => {
    const h = await healthyHarness();
    h.ex.inject('klines', Faults.rows(edit), { symbol: 'BTC/USDT' });
    h.ex.advance(3 * MIN);
    await waitFor('three more candles', () => batchAt(h, C0 + 2 * MIN) !== undefined);
    expect(h.feed.stats()['BTC/USDT']).toMatchObject(counts);
    const btc = candlesOf(h, 'BTC/USDT');
    expect(btc.map((c) => (c.ts - C0) / MIN)).toEqual(minutes);
    expect(btc).toEqual(minutes.map((m) => h.ex.candles('BTC/USDT', C0 + m * MIN, C0 + m * MIN)[0]));
    expect(h.batches.map((b) => b.ts)).toEqual([C0, C0 + MIN, C0 + 2 * MIN]);
    expect(h.lines.some((l) => l.level === 'warn' && l.obj['symbol'] === 'BTC/USDT')).toBe(true);
  });

  it('when the recorded data has the 2023-03-24 trading halt then the 80 missing candles are counted as a gap for every symbol', async () => {
    const haltStart = Date.UTC(2023, 2, 24, 12, 38, 30);
    const h = await harness({}, haltStart);
    h.run({ warmupCandles: 2 });
    await waitFor('warm-up', () => h.batches.length === 2);
    h.ex.setMarketTime(Date.UTC(2023, 2, 24, 14, 0, 30));
    await waitFor('the last candles before the halt', () => h.batches.length === 4);
    h.ex.setMarketTime(Date.UTC(2023, 2, 24, 14, 1, 30));
    await waitFor('the first candle after it', () => h.batches.length === 5);
    expect(h.batches.map((b) => iso(b.ts).slice(11, 16))).toEqual(['12:36', '12:37', '12:38', '12:39', '14:00']);
    for (const symbol of SYMBOLS) expect(h.feed.stats()[symbol]).toMatchObject({ gaps: 1, missingCandles: 80 });
    expect(h.lines.filter((l) => l.msg.startsWith('gap in candles')).map((l) => l.obj['missing_candles'])).toEqual([80, 80, 80]);
  });

  it('when credentials are set then they reach no log line, not even inside an exchange error, and no private endpoint is called', async () => {
    const env = { EXCHANGE_API_KEY: 'key-7fa3c1e9d2', EXCHANGE_API_SECRET: 'secret-91b0e44aa7', EXCHANGE_API_PASSWORD: 'pass-55d1c07' };
    const h = await healthyHarness({ env });
    await h.feed.fetchOrderBook('ETH/USDT', 5);
    const echo = `{"code":-2015,"msg":"Invalid API-key ${env.EXCHANGE_API_KEY}, IP, or permissions; secret ${env.EXCHANGE_API_SECRET} pass ${env.EXCHANGE_API_PASSWORD}"}`;
    h.ex.inject('klines', { kind: 'status', status: 401, body: echo }, { symbol: 'BTC/USDT' });
    h.ex.inject('ticker', Faults.serverError(), { symbol: 'ETH/USDT' });
    h.ex.advance(MIN);
    await waitFor('the 401 logged', () => h.lines.some((l) => l.level === 'error'));
    const text = JSON.stringify(h.lines);
    for (const secret of Object.values(env)) expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
    expect(h.lines.find((l) => l.msg === 'ccxt feed configured')!.obj['credentials']).toBe('from environment');
    expect(h.ex.requests({ route: 'other' })).toEqual([]);
  }, 15_000);

  it('when feed.ccxt_options carries credential keys then they are dropped with a warning naming only the keys', async () => {
    const h = await harness();
    const { logger, lines } = captureLogger();
    const feed = await createCcxtFeed({
      exchange: 'binance',
      symbols: SYMBOLS,
      timeframe: '1m',
      pollIntervalS: 1,
      staleAfterS: 120,
      ccxtOptions: { ...h.ex.ccxtOptions(), apiKey: 'cfg-key-3310', secret: 'cfg-secret-8812' },
      env: {},
      clock: { now: () => Date.now() },
      logger,
    });
    expect(JSON.stringify(lines)).not.toMatch(/cfg-key-3310|cfg-secret-8812/);
    expect(lines.find((l) => l.level === 'warn')!.obj['keys']).toEqual(['apiKey', 'secret']);
    feed.stop();
  });

  it('when the feed stops while a request hangs then run resolves promptly', async () => {
    const h = await healthyHarness({}, T0, { timeout: 20_000 });
    h.ex.inject('klines', Faults.hang(), { times: 10_000 });
    h.ex.inject('ticker', Faults.hang(), { times: 10_000 });
    await waitFor('hanging requests', () => h.ex.requests({ route: 'klines' }).filter((r) => r.fault === 'hang').length >= 3);
    const stopAt = Date.now();
    h.feed.stop();
    await h.running;
    expect(Date.now() - stopAt).toBeLessThan(500);
    expect(h.feed.health().healthy).toBe(false);
  });

  it('when the module exporting createCcxtFeed is imported then ccxt is not loaded until createCcxtFeed is called', async () => {
    // A separate node process with a loader that compiles the TypeScript sources and logs every module it resolves.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccxt-lazy-'));
    const resolved = path.join(dir, 'resolved.log');
    fs.writeFileSync(
      path.join(dir, 'loader.mjs'),
      `import fs from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
const ts = createRequire(${JSON.stringify(path.join(ROOT, 'package.json'))})('typescript');
export async function resolve(specifier, context, next) {
  if (specifier.startsWith('.') && specifier.endsWith('.js') && context.parentURL?.endsWith('.ts')) {
    const candidate = new URL(specifier.slice(0, -3) + '.ts', context.parentURL);
    if (fs.existsSync(fileURLToPath(candidate))) return { url: candidate.href, format: 'module', shortCircuit: true };
  }
  const result = await next(specifier, context);
  fs.appendFileSync(${JSON.stringify(resolved)}, result.url + '\\n');
  return result;
}
export async function load(url, context, next) {
  if (!url.endsWith('.ts')) return next(url, context);
  const source = fs.readFileSync(fileURLToPath(url), 'utf8');
  const out = ts.transpileModule(source, { fileName: fileURLToPath(url), compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true } });
  return { format: 'module', source: out.outputText, shortCircuit: true };
}
`,
    );
    const feedModule = pathToFileURL(path.join(ROOT, 'src', 'feeds', 'ccxt', 'ccxt-feed.ts')).href;
    fs.writeFileSync(
      path.join(dir, 'main.mjs'),
      `import fs from 'node:fs';
import { register } from 'node:module';
register(${JSON.stringify(pathToFileURL(path.join(dir, 'loader.mjs')).href)});
const loaded = () => fs.existsSync(${JSON.stringify(resolved)}) && fs.readFileSync(${JSON.stringify(resolved)}, 'utf8').includes('/node_modules/ccxt/');
const mod = await import(${JSON.stringify(feedModule)});
const afterImport = loaded();
const log = () => {};
const feed = await mod.createCcxtFeed({ exchange: 'binance', symbols: ['BTC/USDT'], timeframe: '1m', pollIntervalS: 30, staleAfterS: 180, env: {},
  clock: { now: () => Date.now() }, logger: { debug: log, info: log, warn: log, error: log, fatal: log } });
console.log(JSON.stringify({ exported: typeof mod.createCcxtFeed, afterImport, afterCreate: loaded(), source: feed.source }));
`,
    );
    const result = await execa('node', [path.join(dir, 'main.mjs')], { cwd: ROOT, reject: false, timeout: 30_000 });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ exported: 'function', afterImport: false, afterCreate: true, source: 'ccxt:binance' });
    fs.rmSync(dir, { recursive: true, force: true });
  }, 30_000);
});
