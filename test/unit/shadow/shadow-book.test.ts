import { describe, expect, it } from 'vitest';
import { PaperBroker, type BrokerEvent, type EntryRequest } from '../../../src/broker/paper-broker.js';
import { Engine, type SignalRecord } from '../../../src/engine/engine.js';
import { loadMarketSnapshot } from '../../../src/feeds/market-snapshot.js';
import type { Candle } from '../../../src/model/candle.js';
import type { MarketSpec } from '../../../src/model/market.js';
import type { Ledger } from '../../../src/ports/ledger.js';
import type { CandleBatch } from '../../../src/ports/market-feed.js';
import { ShadowBook, type ShadowEvent } from '../../../src/shadow/shadow-book.js';
import type { DecisionLine } from '../../../src/shadow/decision-lines.js';
import { createStrategy } from '../../../src/strategies/registry.js';
import type { StrategyContext } from '../../../src/strategies/strategy.js';
import { loadReplayCandles } from '../../support/candles.js';
import { BTC, TEST, candle, entry, tempLedger } from '../broker/fixtures.js';
import { FIVE_MIN, START, SLIPPAGE_BPS, noQualityFloor, openRunner, risk, tempHome } from './fixtures.js';

type AnyEvent = BrokerEvent | ShadowEvent;

/** A broker and a shadow book on the same markets and costs, side by side. */
function pair(markets: ReadonlyMap<string, MarketSpec>, startingBalance = START, slippageBps = 10) {
  const { ledger } = tempLedger();
  const broker = new PaperBroker({ ledger, markets, slippageBps, startingBalance });
  const book = new ShadowBook({ markets, slippageBps, startingBalance });
  return { ledger, broker, book };
}

/** Events as plain data, so a mutable position object compares by what it said at the time. */
const plain = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

function expectSameBooks(broker: PaperBroker, book: ShadowBook): void {
  expect(book.cash).toBe(broker.cash);
  expect(book.available).toBe(broker.available);
  expect(book.reservedCash).toBe(broker.reservedCash);
  expect(book.equity()).toBe(broker.equity());
  expect(book.riskAtStops()).toBe(broker.riskAtStops());
  expect(plain(book.openPositions())).toEqual(plain(broker.openPositions()));
  expect(book.pendingOrders()).toEqual(broker.pendingOrders());
}

describe('ShadowBook against the PaperBroker on real BTC/USDT 5m candles', () => {
  const markets = loadMarketSnapshot('data/markets/binance_spot_markets.json', ['BTC/USDT']);
  const candles = loadReplayCandles('BTC', '5m', 4_000);

  it.each([
    ['donchian_breakout', 'trailing stops', 'trailing_stop'],
    ['rsi_revert', 'exit signals', 'signal'],
    ['ema_trend', 'targets', 'target'],
  ])('when %s signals (%s) go to both as the same orders then every fill, fee, stop and trade is identical, candle by candle', (id, _, exitReason) => {
    const { broker, book, ledger } = pair(markets, START, SLIPPAGE_BPS);
    const strategy = createStrategy(id);
    const context: StrategyContext = { hasPosition: (s) => broker.position(s) !== undefined || broker.hasPendingOrder(s), costEstimatePct: 0.3 };
    const closed: unknown[] = [];
    for (const c of candles) {
      const brokerEvents = broker.onCandle(c);
      const bookEvents = book.onCandle(c);
      expect(plain(bookEvents)).toEqual(plain(brokerEvents));
      closed.push(...bookEvents.filter((e) => e.kind === 'closed'));
      for (const signal of strategy.onCandle(c, context)) {
        if (signal.direction === 'exit') {
          expect(book.submitExit(signal.symbol, signal.strategy, signal.reason, signal.market_time)).toEqual(broker.submitExit(signal.symbol, signal.strategy, signal.reason, signal.market_time));
          continue;
        }
        const request: EntryRequest = {
          symbol: signal.symbol,
          quantity: 0.05,
          referencePrice: signal.price,
          stopDistance: signal.price - (signal.stop ?? signal.price),
          targetDistance: signal.target == null ? null : signal.target - signal.price,
          trailing: signal.trailing ?? null,
          strategy: signal.strategy,
          reason: signal.reason,
          at: signal.market_time,
        };
        expect(book.submitEntry(request)).toEqual(broker.submitEntry(request));
      }
      expectSameBooks(broker, book);
    }
    const trades = ledger.allTrades();
    expect(trades.length).toBeGreaterThan(3);
    expect(trades.map((t) => t.exit_reason)).toContain(exitReason);
    expect(trades.map((t) => t.exit_reason)).toContain('stop');
    expect(plain(closed.map((e) => (e as { trade: unknown }).trade))).toEqual(plain(trades));
  });

  /** The paper account: ema_trend through the engine and the PaperBroker, under the gate the shadow gets. */
  const paperEngine = (ledger: Ledger, extra: { onSignal?: (record: SignalRecord) => void; riskFactor?: () => number } = {}) => {
    const broker = new PaperBroker({ ledger, markets, slippageBps: SLIPPAGE_BPS, startingBalance: START });
    const engine = new Engine({
      champion: createStrategy('ema_trend'),
      broker,
      ledger,
      risk: risk(),
      flags: { paused: false, halted: false, emergencyStop: false, killSwitch: false, capitalPreservationBlocked: false, persistenceFailure: false },
      feed: { isHealthy: () => true, isStale: () => false },
      symbols: ['BTC/USDT'],
      timeframeMs: FIVE_MIN,
      costEstimatePct: 0.3,
      gate: noQualityFloor,
      ...(extra.riskFactor ? { riskFactor: extra.riskFactor } : {}),
      listener: { onSignal: extra.onSignal ?? (() => undefined), onTrade: () => undefined, onPositionChange: () => undefined, onStrategyError: (_s, e) => { throw e; } },
    });
    return { engine, broker };
  };

  /** The same candles to the engine and then the shadow runner, as the daemon feeds them, then the runner's checkpoint. */
  const feedBoth = (engine: Engine, runner: { onBatch(batch: CandleBatch): void; checkpoint(): void }, candles: readonly Candle[]) => {
    for (const c of candles) {
      const batch = { ts: c.ts, candles: [c], warmup: false };
      engine.processBatch(batch);
      runner.onBatch(batch);
    }
    runner.checkpoint();
  };

  it('when the same strategy is the engine’s champion and a shadow challenger then the challenger’s trades and gate verdicts are the paper account’s', () => {
    const home = tempHome();
    const { ledger } = tempLedger();
    const records: SignalRecord[] = [];
    const { engine, broker } = paperEngine(ledger, { onSignal: (r) => records.push(r) });
    const { runner, close } = openRunner(home, markets, { challengers: [{ id: 'ema_trend' }], gate: noQualityFloor, costEstimatePct: 0.3 });
    feedBoth(engine, runner, loadReplayCandles('BTC', '5m', 6_000));
    const paper = ledger.allTrades();
    expect(paper.length).toBeGreaterThan(5);
    expect(runner.trades('ema_trend')).toEqual(paper);
    const [book] = runner.books();
    expect(book).toMatchObject({ name: 'ema_trend', role: 'challenger', equity: broker.equity(), cash: broker.cash, trades: paper.length });

    const lines = home.lines().filter((l): l is DecisionLine => l.type === 'decision');
    expect(lines).toHaveLength(records.length);
    lines.forEach((line, i) => {
      const record = records[i]!;
      expect(line).toMatchObject({ market_time: new Date(record.market_time).toISOString(), action: record.direction, role: 'challenger', executed: false });
      expect(line.gate).toEqual({ allowed: record.executed, reasons: record.gate.reasons });
    });
    close();
  });
  it('when capital preservation scales the risk of new entries then the champion’s shadow book sizes them as the paper account does', () => {
    const home = tempHome();
    const { ledger } = tempLedger();
    const riskFactor = () => 0.5;
    const { engine } = paperEngine(ledger, { riskFactor });
    const { runner, close } = openRunner(home, markets, { champion: { id: 'ema_trend' }, gate: noQualityFloor, costEstimatePct: 0.3, riskFactor });
    feedBoth(engine, runner, loadReplayCandles('BTC', '5m', 3_000));
    const paper = ledger.allTrades();
    expect(paper.length).toBeGreaterThan(5);
    expect(runner.trades('ema_trend')).toEqual(paper);
    close();
  });
});

describe('ShadowBook against the PaperBroker in hand-made cases', () => {
  const markets = new Map([[TEST.symbol, TEST], [BTC.symbol, BTC]]);
  const S = TEST.symbol;
  const M = 60_000;
  const trailing = { distance_pct: 2, offset_pct: 1, only_after_offset: true };

  it.each<[string, Partial<EntryRequest>, Candle[], string]>([
    ['a gap through the stop fills at the gapped open, slipped', {}, [candle(S, M, 101, 101.5, 100.5, 101.2), candle(S, 2 * M, 90, 91, 89, 90.5)], 'stop'],
    ['a low through the stop fills at the stop, slipped', {}, [candle(S, M, 101, 101.5, 100.5, 101.2), candle(S, 2 * M, 101, 101.2, 95, 96)], 'stop'],
    ['a stop and target in one candle is the stop', { targetDistance: 3 }, [candle(S, M, 101, 101.5, 100.5, 101.2), candle(S, 2 * M, 101, 106, 95, 100)], 'stop'],
    ['a high through the target fills at the target', { targetDistance: 3 }, [candle(S, M, 101, 101.5, 100.5, 101.2), candle(S, 2 * M, 101.5, 104.5, 101.2, 104)], 'target'],
    ['a high only touching the target does not fill', { targetDistance: 3 }, [candle(S, M, 101, 101.5, 100.5, 101.2), candle(S, 2 * M, 101.5, 104.11, 101.2, 104)], 'open'],
    ['the candle that produced the order, delivered again, does not fill it', {}, [candle(S, 0, 90, 91, 89, 90.5), candle(S, M, 101, 101.5, 100.5, 101.2)], 'open'],
    [
      'a trailing stop rises on the highs and is then hit',
      { trailing },
      [candle(S, M, 101, 101.5, 100.5, 101.2), candle(S, 2 * M, 101.2, 106, 101, 105.5), candle(S, 3 * M, 105.5, 110, 105, 109), candle(S, 4 * M, 109, 109.2, 106, 106.5)],
      'trailing_stop',
    ],
  ])('when %s then the shadow book does exactly what the broker does', (_, plan, path, outcome) => {
    const { broker, book } = pair(markets);
    const request = entry(plan);
    expect(book.submitEntry(request)).toEqual(broker.submitEntry(request));
    const events: AnyEvent[] = [];
    for (const c of path) {
      const expected = broker.onCandle(c);
      const got = book.onCandle(c);
      expect(plain(got)).toEqual(plain(expected));
      events.push(...got);
      expectSameBooks(broker, book);
    }
    const trade = events.flatMap((e) => (e.kind === 'closed' ? [e.trade] : []))[0];
    expect(trade?.exit_reason ?? 'open').toBe(outcome);
  });

  it('when an exit signal is placed then it fills at the next open, slipped, like the broker', () => {
    const { broker, book } = pair(markets);
    for (const side of [broker, book]) side.submitEntry(entry());
    const first = candle(S, M, 101, 101.5, 100.5, 101.2);
    expect(plain(book.onCandle(first))).toEqual(plain(broker.onCandle(first)));
    expect(book.submitExit(S, 'test', 'test_exit', M)).toEqual(broker.submitExit(S, 'test', 'test_exit', M));
    expect(book.submitExit(S, 'test', 'again', M)).toEqual({ ok: true });
    broker.submitExit(S, 'test', 'again', M);
    const second = candle(S, 2 * M, 102, 102.5, 101.5, 102.2);
    const events = book.onCandle(second);
    expect(plain(events)).toEqual(plain(broker.onCandle(second)));
    expect(events[0]).toMatchObject({ kind: 'closed', trade: { exit_reason: 'signal', exit: 101.89 } });
    expectSameBooks(broker, book);
  });

  it('when gaps make two reserved fills cost more than the cash then the later order is rejected whole, as by the broker', () => {
    const { broker, book } = pair(markets, 1_000);
    const requests = [entry({ symbol: S, quantity: 4 }), entry({ symbol: BTC.symbol, quantity: 0.02, referencePrice: 25_000, stopDistance: 500 })];
    for (const r of requests) expect(book.submitEntry(r)).toEqual(broker.submitEntry(r));
    for (const c of [candle(S, M, 120, 121, 119, 120), candle(BTC.symbol, M, 26_000, 26_100, 25_900, 26_000)]) {
      expect(plain(book.onCandle(c))).toEqual(plain(broker.onCandle(c)));
      expectSameBooks(broker, book);
    }
    expect(book.pendingOrders()).toEqual([]);
    expect(book.openPositions().map((p) => p.symbol)).toEqual([S]);
  });

  it.each<[string, Partial<EntryRequest>, string]>([
    ['an unknown market', { symbol: 'NOPE/USDT' }, 'unknown_market'],
    ['no stop distance', { stopDistance: 0 }, 'invalid_stop'],
    ['a quantity below the minimum', { quantity: 0.005 }, 'below_min_amount'],
    ['a notional below the minimum cost', { quantity: 0.05 }, 'below_min_cost'],
    ['more than the cash buys', { quantity: 200 }, 'insufficient_balance'],
  ])('when an entry has %s then the shadow book refuses it with the broker’s reason', (_, plan, reason) => {
    const { broker, book } = pair(markets);
    const request = entry(plan);
    expect(broker.submitEntry(request)).toEqual({ ok: false, reason });
    expect(book.submitEntry(request)).toEqual({ ok: false, reason });
  });

  it('when a book is restored from its snapshot then it continues exactly as the uninterrupted one', () => {
    const { broker, book } = pair(markets);
    book.submitEntry(entry({ trailing }));
    broker.submitEntry(entry({ trailing }));
    const path = [candle(S, M, 101, 101.5, 100.5, 101.2), candle(S, 2 * M, 101.2, 106, 101, 105.5), candle(S, 3 * M, 105.5, 110, 105, 109), candle(S, 4 * M, 109, 109.2, 106, 106.5)];
    book.onCandle(path[0]!);
    broker.onCandle(path[0]!);
    const restored = new ShadowBook({ markets, slippageBps: 10, startingBalance: START }, JSON.parse(JSON.stringify(book.snapshot(null))));
    for (const c of path.slice(1)) expect(plain(restored.onCandle(c))).toEqual(plain(broker.onCandle(c)));
    expectSameBooks(broker, restored);
  });
});
