import { describe, expect, it } from 'vitest';
import { loadMarketSnapshot } from '../../../src/feeds/market-snapshot.js';
import type { Candle } from '../../../src/model/candle.js';
import type { DecisionLine, OutcomeLine } from '../../../src/shadow/decision-lines.js';
import type { ChampionDecision, ShadowRunner } from '../../../src/shadow/shadow-runner.js';
import { candlesFromCloses, loadReplayCandles } from '../../support/candles.js';
import { TEST } from '../broker/fixtures.js';
import { FIVE_MIN, HOUR, SLIPPAGE_BPS, noQualityFloor, openRunner, tempHome } from './fixtures.js';

const T0 = Date.parse('2026-03-10T00:00:00Z');
const markets = new Map([[TEST.symbol, TEST]]);
/** 5-minute TEST candles whose close is 100 + i/10. */
const bars = candlesFromCloses(Array.from({ length: 320 }, (_, i) => 100 + i / 10), TEST.symbol, T0, FIVE_MIN);

const decision = (overrides: Partial<ChampionDecision> = {}): ChampionDecision => ({
  strategy: 'ema_trend',
  symbol: TEST.symbol,
  direction: 'long',
  score: 0.7,
  threshold: 0,
  confidence: 0.8,
  expected_value_pct: 1,
  cost_estimate_pct: 0.3,
  reason: 'ema_cross_up',
  market_time: T0,
  price: 100,
  stop: 97,
  target: null,
  trailing: null,
  executed: true,
  gate: { allowed: true, reasons: [] },
  ...overrides,
});

/** Feeds candles as batches, the way the daemon does after the engine. */
function feed(runner: ShadowRunner, candles: readonly Candle[]): void {
  for (const c of candles) runner.onBatch({ ts: c.ts, candles: [c], warmup: false });
}

const outcomesOf = (lines: ReturnType<ReturnType<typeof tempHome>['lines']>) => lines.filter((l): l is OutcomeLine => l.type === 'outcome');
const decisionsOf = (lines: ReturnType<ReturnType<typeof tempHome>['lines']>) => lines.filter((l): l is DecisionLine => l.type === 'decision');

describe('outcomes at market-time horizons', () => {
  const s = SLIPPAGE_BPS / 10_000;
  const f = TEST.takerFee;

  it.each([
    ['1h', 12],
    ['4h', 48],
    ['24h', 288],
  ])('when %s of market time has passed after a long decision then the outcome has the close of candle %i, its move and its net unit PnL', (horizon, index) => {
    const home = tempHome();
    const { runner, close } = openRunner(home, markets);
    runner.recordChampion(decision());
    feed(runner, bars);
    close();
    const outcome = outcomesOf(home.lines()).find((o) => o.horizon === horizon)!;
    const price = 100 + index / 10;
    expect(outcome).toEqual({ type: 'outcome', decision_id: `champion:ema_trend:${TEST.symbol}:${T0}:long`, horizon, price, return_pct: expect.any(Number), pnl_if_taken: expect.any(Number) });
    expect(outcome.return_pct).toBeCloseTo((price / 100 - 1) * 100, 6);
    // One unit of quote in at the slipped price plus fee, out at the slipped price less fee.
    expect(outcome.pnl_if_taken).toBeCloseTo(((price / 100) * (1 - s) * (1 - f)) / ((1 + s) * (1 + f)) - 1, 9);
  });

  it('when an exit decision is followed by a rise then taking it would have lost the rise, net of the sale’s costs', () => {
    const home = tempHome();
    const { runner, close } = openRunner(home, markets, { horizonsMs: [HOUR] });
    runner.recordChampion(decision({ direction: 'exit', executed: true }));
    feed(runner, bars.slice(0, 20));
    close();
    const [outcome] = outcomesOf(home.lines());
    expect(outcome).toMatchObject({ decision_id: `champion:ema_trend:${TEST.symbol}:${T0}:exit`, horizon: '1h', price: 101.2 });
    expect(outcome!.pnl_if_taken).toBeCloseTo((1 - s) * (1 - f) * (1 - 101.2 / 100), 9);
  });

  it('when candles are missing at the horizon then the next candle of the symbol resolves it', () => {
    const home = tempHome();
    const { runner, close } = openRunner(home, markets, { horizonsMs: [HOUR] });
    runner.recordChampion(decision());
    feed(runner, [...bars.slice(0, 10), ...bars.slice(15, 20)]);
    close();
    expect(outcomesOf(home.lines())).toMatchObject([{ horizon: '1h', price: bars[15]!.close }]);
  });

  it('when the daemon restarts between horizons then the new runner resolves the pending ones from SQLite, once each', () => {
    const home = tempHome();
    const first = openRunner(home, markets);
    first.runner.recordChampion(decision());
    feed(first.runner, bars.slice(0, 20));
    expect(first.runner.pendingOutcomes).toBe(2);
    first.close();
    expect(outcomesOf(home.lines()).map((o) => o.horizon)).toEqual(['1h']);

    const second = openRunner(home, markets);
    expect(second.runner.pendingOutcomes).toBe(2);
    // The feed resumes a little before where the shadow stopped: those batches only warm the strategies.
    feed(second.runner, bars.slice(10));
    expect(second.runner.pendingOutcomes).toBe(0);
    expect(second.store.pendingOutcomes()).toEqual([]);
    second.close();
    const outcomes = outcomesOf(home.lines());
    expect(outcomes.map((o) => [o.horizon, o.price])).toEqual([['1h', 101.2], ['4h', 104.8], ['24h', 128.8]]);
  });

  it('when a crash left the shadow behind the engine then the warm-up candles it has not seen still resolve its outcomes, once', () => {
    const home = tempHome();
    const first = openRunner(home, markets, { horizonsMs: [HOUR] });
    first.runner.recordChampion(decision());
    feed(first.runner, bars.slice(0, 6));
    first.close();
    // The engine got further before the crash: the feed replays up to its market time as warm-up.
    const second = openRunner(home, markets, { horizonsMs: [HOUR] });
    for (const c of bars.slice(0, 15)) second.runner.onBatch({ ts: c.ts, candles: [c], warmup: true });
    expect(second.runner.marketTime).toBe(bars[14]!.ts);
    feed(second.runner, bars.slice(15, 20));
    second.close();
    expect(outcomesOf(home.lines())).toEqual([expect.objectContaining({ horizon: '1h', price: bars[12]!.close })]);
  });

  it.each([
    [[HOUR / 2, 2 * HOUR], ['30m', '2h']],
    [[90_000], ['90s']],
  ])('when the horizons are configured as %j then the outcomes are labelled %j', (horizonsMs, labels) => {
    const home = tempHome();
    const { runner, close } = openRunner(home, markets, { horizonsMs });
    runner.recordChampion(decision());
    feed(runner, bars.slice(0, 30));
    close();
    expect(outcomesOf(home.lines()).map((o) => o.horizon)).toEqual(labels);
  });
});

describe('decision counters across restarts', () => {
  it('when the daemon restarts then decisions_total and last_decision_at persist and decisions_session starts again at 0', () => {
    const home = tempHome();
    const first = openRunner(home, markets);
    expect(first.runner.counters()).toEqual({ decisions_session: 0, decisions_total: 0, last_decision_at: null });
    first.runner.recordChampion(decision());
    first.clock.advance(5_000);
    first.runner.recordChampion(decision({ market_time: T0 + FIVE_MIN, symbol: TEST.symbol, direction: 'exit' }));
    feed(first.runner, bars.slice(0, 2));
    first.clock.advance(5_000);
    first.runner.recordChampion(decision({ market_time: T0 + 2 * FIVE_MIN }));
    const last = new Date(first.clock.now()).toISOString();
    expect(first.runner.counters()).toEqual({ decisions_session: 3, decisions_total: 3, last_decision_at: last });
    // A clean stop checkpoints what the last batch did not commit yet.
    first.runner.checkpoint();
    first.close();

    const second = openRunner(home, markets);
    expect(second.runner.counters()).toEqual({ decisions_session: 0, decisions_total: 3, last_decision_at: last });
    second.runner.recordChampion(decision({ market_time: T0 + 3 * FIVE_MIN }));
    feed(second.runner, bars.slice(2, 4));
    const now = new Date(second.clock.now()).toISOString();
    expect(second.runner.counters()).toEqual({ decisions_session: 1, decisions_total: 4, last_decision_at: now });
    second.close();

    const third = openRunner(home, markets);
    expect(third.runner.counters()).toMatchObject({ decisions_session: 0, decisions_total: 4 });
    third.close();
    expect(decisionsOf(home.lines())).toHaveLength(4);
  });

  it('when the engine replays a candle the shadow already stored then its champion decision is not logged or counted again', () => {
    const home = tempHome();
    const first = openRunner(home, markets);
    first.runner.recordChampion(decision());
    feed(first.runner, bars.slice(0, 3));
    first.close();
    const second = openRunner(home, markets);
    second.runner.recordChampion(decision());
    expect(second.runner.counters()).toMatchObject({ decisions_session: 0, decisions_total: 1 });
    second.close();
    expect(decisionsOf(home.lines())).toHaveLength(1);
  });
});

describe('shadow books across restarts', () => {
  const btcMarkets = loadMarketSnapshot('data/markets/binance_spot_markets.json', ['BTC/USDT']);
  const candles = loadReplayCandles('BTC', '5m', 3_000);
  const options = { challengers: [{ id: 'donchian_breakout' }, { id: 'ema_trend', name: 'ema_fast', params: { fast: 6, slow: 18 } }], gate: noQualityFloor };

  it('when the daemon stops and starts again then every book, its trades and its daily returns come back exactly', () => {
    const home = tempHome();
    const first = openRunner(home, btcMarkets, options);
    candles.forEach((c, i) => first.runner.onBatch({ ts: c.ts, candles: [c], warmup: i < 50 }));
    first.runner.checkpoint();
    const books = first.runner.books();
    const trades = ['donchian_breakout', 'ema_fast'].map((name) => first.runner.trades(name));
    const days = [...new Set(candles.map((c) => new Date(c.ts).toISOString().slice(0, 10)))];
    const returns = days.map((d) => first.runner.dailyReturns(d));
    first.close();
    expect(trades.every((t) => t.length > 3)).toBe(true);
    expect(trades[1]!.every((t) => t.strategy === 'ema_fast')).toBe(true);

    const second = openRunner(home, btcMarkets, options);
    expect(second.runner.books()).toEqual(books);
    expect(['donchian_breakout', 'ema_fast'].map((name) => second.runner.trades(name))).toEqual(trades);
    expect(days.map((d) => second.runner.dailyReturns(d))).toEqual(returns);
    expect(second.runner.marketTime).toBe(candles[candles.length - 1]!.ts);
    second.close();
  });

  it('when a UTC market day completes then its return is the book’s equity change over the day, and an unfinished day has none', () => {
    const home = tempHome();
    const { runner, store, close } = openRunner(home, btcMarkets, options);
    candles.forEach((c, i) => runner.onBatch({ ts: c.ts, candles: [c], warmup: i < 50 }));
    const lastDay = new Date(candles[candles.length - 1]!.ts).toISOString().slice(0, 10);
    const completed = [...new Set(candles.slice(50).map((c) => new Date(c.ts).toISOString().slice(0, 10)))].filter((d) => d !== lastDay);
    expect(completed.length).toBeGreaterThan(5);
    for (const day of completed) {
      const r = runner.dailyReturns(day);
      expect(Object.keys(r)).toEqual(['donchian_breakout', 'ema_fast']);
      expect(Object.values(r).every((v) => typeof v === 'number' && Number.isFinite(v))).toBe(true);
    }
    expect(runner.dailyReturns(lastDay)).toEqual({ donchian_breakout: null, ema_fast: null });
    // Compounded daily returns give the equity the books ended their last completed day with.
    runner.checkpoint();
    for (const book of ['donchian_breakout', 'ema_fast']) {
      const rows = store.dailyEquity(book);
      const growth = completed.reduce((g, d) => g * (1 + (runner.dailyReturns(d)[book] ?? 0) / 100), 1);
      expect(rows[0]!.startEquity * growth).toBeCloseTo(rows[rows.length - 1]!.endEquity, 6);
    }
    close();
  });
});
