import { describe, expect, it } from 'vitest';
import { PaperBroker } from '../../../src/broker/paper-broker.js';
import { Engine, type ControlFlags, type EngineListener, type SignalRecord } from '../../../src/engine/engine.js';
import { loadMarketSnapshot } from '../../../src/feeds/market-snapshot.js';
import type { Candle } from '../../../src/model/candle.js';
import type { MarketSpec } from '../../../src/model/market.js';
import type { TradeRecord } from '../../../src/model/position.js';
import type { Signal } from '../../../src/model/signal.js';
import type { BookSource } from '../../../src/ports/book-source.js';
import type { Ledger } from '../../../src/ports/ledger.js';
import { DEFAULT_GATE_SETTINGS, type GateSettings } from '../../../src/risk/gate-settings.js';
import type { RiskSettings } from '../../../src/risk/risk-settings.js';
import { createStrategy } from '../../../src/strategies/registry.js';
import type { Strategy } from '../../../src/strategies/strategy.js';
import { loadReplayCandles } from '../../support/candles.js';
import { candle, onStep, TEST, tempLedger } from '../broker/fixtures.js';

const FIVE_MIN = 300_000;
const START = 10_000;
const SLIPPAGE_BPS = 5;

const noFlags = (): ControlFlags => ({ paused: false, halted: false, emergencyStop: false, killSwitch: false, capitalPreservationBlocked: false, persistenceFailure: false });
const risk = (): RiskSettings => ({ risk_multiplier: 1, risk_per_trade_pct: 0.5, max_open_positions: 3, max_portfolio_heat_pct: 6, daily_loss_limit_pct: 5, max_multiplier: 2 });

/** Everything the engine tells the daemon, kept for the assertions. */
function recorder() {
  const signals: SignalRecord[] = [];
  const trades: TradeRecord[] = [];
  const days: string[] = [];
  const listener: EngineListener = {
    onSignal: (r) => signals.push(r),
    onTrade: (t) => trades.push(t),
    onPositionChange: () => undefined,
    onStrategyError: (_id, error) => {
      throw error;
    },
    onDayChange: (day) => days.push(day),
  };
  return { signals, trades, days, listener };
}

function compose(args: { ledger: Ledger; markets: ReadonlyMap<string, MarketSpec>; champion: Strategy; symbols: string[]; gate?: GateSettings; flags?: ControlFlags; timeframeMs?: number; book?: BookSource }) {
  const live = args.book ? { book: args.book, timeframeMs: args.timeframeMs ?? FIVE_MIN } : {};
  const broker = new PaperBroker({ ledger: args.ledger, markets: args.markets, slippageBps: SLIPPAGE_BPS, startingBalance: START, ...live });
  const rec = recorder();
  const flags = args.flags ?? noFlags();
  const engine = new Engine({
    champion: args.champion,
    broker,
    ledger: args.ledger,
    risk: risk(),
    flags,
    feed: { isHealthy: () => true, isStale: () => false },
    symbols: args.symbols,
    timeframeMs: args.timeframeMs ?? FIVE_MIN,
    costEstimatePct: 0.3,
    listener: rec.listener,
    ...(args.gate ? { gate: args.gate } : {}),
  });
  return { broker, engine, flags, ...rec };
}

const feed = (engine: Engine, candles: readonly Candle[]) => {
  for (const c of candles) engine.processBatch({ ts: c.ts, candles: [c], warmup: false });
};

/** A strategy that says what it is told to at given candle times: the engine's behaviour, not a strategy's, is under test. */
function scripted(script: ReadonlyMap<number, Partial<Signal> & Pick<Signal, 'direction'>>): Strategy {
  return {
    id: 'scripted',
    warmupCandles: 0,
    isWarm: () => true,
    onCandle: (c) => {
      const line = script.get(c.ts);
      if (!line) return [];
      return [{ strategy: 'scripted', symbol: c.symbol, score: 1, threshold: 0, confidence: 0.9, expected_value_pct: 1, cost_estimate_pct: 0.3, reason: `scripted_${line.direction}`, market_time: c.ts, price: c.close, stop: c.close * 0.97, target: null, trailing: null, ...line }];
    },
  };
}

/** A gate that judges quality and turnover as configured but does not require the bundled strategies to have an edge. */
const noQualityFloor: GateSettings = { ...DEFAULT_GATE_SETTINGS, min_confidence: 0, min_ev_cost_ratio: 0, per_symbol: { 'BTC/USDT': { ...DEFAULT_GATE_SETTINGS.per_symbol['BTC/USDT'], min_confidence: 0, min_ev_cost_ratio: 0 } } };

describe('Engine over real BTC/USDT 5m candles with the real broker and SQLite ledger', () => {
  const markets = loadMarketSnapshot('data/markets/binance_spot_markets.json', ['BTC/USDT']);
  const btc = markets.get('BTC/USDT')!;
  const candles = loadReplayCandles('BTC', '5m', 6_000);

  it('when the run ends flat then starting balance plus the net PnL of every trade is the final cash, with fees paid and quantities on the step', () => {
    const { ledger } = tempLedger();
    const { engine, broker, signals, trades } = compose({ ledger, markets, champion: createStrategy('ema_trend', {}), symbols: ['BTC/USDT'], gate: noQualityFloor });
    feed(engine, candles);
    engine.flatten('flatten');
    engine.persistMarketTime();

    const ledgerTrades = ledger.allTrades();
    expect(ledgerTrades.length).toBeGreaterThan(5);
    expect(ledgerTrades.map((t) => t.id)).toEqual(trades.map((t) => t.id));
    expect(broker.openPositions()).toEqual([]);
    expect(broker.pendingOrders()).toEqual([]);
    expect(broker.reservedCash).toBe(0);
    const net = ledgerTrades.reduce((sum, t) => sum + t.net_pnl, 0);
    expect(broker.cash).toBeCloseTo(START + net, 6);
    expect(ledger.getSetting<number>('account.balance')).toBe(broker.cash);
    for (const t of ledgerTrades) {
      expect(t.fees).toBeGreaterThan(0);
      expect(t.fees).toBeCloseTo((t.entry + t.exit) * t.quantity * btc.takerFee, 6);
      expect(t.net_pnl).toBeCloseTo(t.gross_pnl - t.fees, 8);
      expect(onStep(t.quantity, btc.amountStep)).toBe(true);
      expect(t.quantity).toBeGreaterThanOrEqual(btc.minAmount);
      expect(t.quantity * t.entry).toBeGreaterThanOrEqual(btc.minCost);
      expect(onStep(t.entry, btc.priceTick) && onStep(t.exit, btc.priceTick)).toBe(true);
      expect(Date.parse(t.closed_at)).toBeGreaterThanOrEqual(Date.parse(t.opened_at));
    }
    // Every entry signal was judged and counted once; the ones that traded are the allowed ones.
    const entries = signals.filter((s) => s.direction === 'long');
    const days = new Set(entries.map((s) => new Date(s.market_time).toISOString().slice(0, 10)));
    const counted = [...days].map((day) => engine.gateStats.forDay(day));
    expect(counted.reduce((sum, d) => sum + d.evaluated, 0)).toBe(entries.length);
    expect(counted.reduce((sum, d) => sum + d.allowed, 0)).toBe(entries.filter((s) => s.executed).length);
    expect(entries.some((s) => s.gate.reasons.includes('turnover_min_interval') || s.gate.reasons.includes('turnover_max_daily'))).toBe(true);
  });

  it('when the same candles are replayed twice then the trades are identical', () => {
    const run = () => {
      const { ledger } = tempLedger();
      const { engine } = compose({ ledger, markets, champion: createStrategy('ema_trend', {}), symbols: ['BTC/USDT'], gate: noQualityFloor });
      feed(engine, candles.slice(0, 3_000));
      return ledger.allTrades();
    };
    expect(run()).toEqual(run());
  });

  it('when the bundled strategy runs under the default gate then BTC entries are judged by the stricter BTC rules and counted', () => {
    const { ledger } = tempLedger();
    const { engine, signals } = compose({ ledger, markets, champion: createStrategy('ema_trend', {}), symbols: ['BTC/USDT'] });
    feed(engine, candles.slice(0, 2_000));
    const entries = signals.filter((s) => s.direction === 'long');
    expect(entries.length).toBeGreaterThan(0);
    for (const s of entries.filter((e) => !e.executed)) expect(s.gate.reasons.length).toBeGreaterThan(0);
    for (const s of entries.filter((e) => e.executed)) {
      expect(s.confidence).toBeGreaterThanOrEqual(0.75);
      expect(s.expected_value_pct).toBeGreaterThanOrEqual(2 * s.cost_estimate_pct);
    }
    expect(engine.gateStatsToday()?.day).toBe(new Date(engine.marketTime!).toISOString().slice(0, 10));
  });
});

describe('Engine and the gate', () => {
  const markets = new Map([[TEST.symbol, TEST]]);
  const M = FIVE_MIN;
  const T0 = Date.parse('2026-03-10T00:00:00Z');
  const bars = (n: number, from = 0) => Array.from({ length: n }, (_, i) => candle(TEST.symbol, T0 + (from + i) * M, 100, 100.5, 99.5, 100));

  it('when trading is paused and the kill switch is on then an exit signal still closes the position', () => {
    const { ledger } = tempLedger();
    const script = new Map([[T0, { direction: 'long' as const }], [T0 + 2 * M, { direction: 'exit' as const }]]);
    const { engine, flags, signals, trades } = compose({ ledger, markets, champion: scripted(script), symbols: [TEST.symbol] });
    feed(engine, bars(2));
    expect(signals[0]).toMatchObject({ direction: 'long', executed: true });
    flags.paused = true;
    flags.killSwitch = true;
    feed(engine, bars(2, 2));
    expect(signals[1]).toMatchObject({ direction: 'exit', executed: true, gate: { allowed: true, reasons: [] } });
    expect(trades).toHaveLength(1);
    expect(trades[0]).toMatchObject({ exit_reason: 'signal' });
    expect(engine.blockers()).toEqual(['kill_switch', 'paused']);
  });

  it('when the daemon restarts then the turnover state comes back from the ledger and still spaces the entries', () => {
    const { ledger, reopen } = tempLedger();
    const script = new Map([[T0, { direction: 'long' as const }], [T0 + 2 * M, { direction: 'exit' as const }], [T0 + 4 * M, { direction: 'long' as const }], [T0 + 13 * M, { direction: 'long' as const }]]);
    const first = compose({ ledger, markets, champion: scripted(script), symbols: [TEST.symbol] });
    feed(first.engine, bars(4));
    first.engine.persistMarketTime();
    expect(first.trades).toHaveLength(1);
    ledger.close();

    // The entry filled at T0 + 1 candle; the default minimum interval is one hour (12 candles).
    const second = compose({ ledger: reopen(), markets, champion: scripted(script), symbols: [TEST.symbol] });
    feed(second.engine, bars(12, 4));
    const [tooSoon, spaced] = second.signals;
    expect(tooSoon).toMatchObject({ market_time: T0 + 4 * M, executed: false, gate: { reasons: ['turnover_min_interval'] } });
    expect(spaced).toMatchObject({ market_time: T0 + 13 * M, executed: true });
    expect(second.engine.gateStats.forDay('2026-03-10')).toMatchObject({ evaluated: 3, allowed: 2, rejection_reasons: { turnover_min_interval: 1 } });
  });

  it('when the engine checkpoints then a restarted broker has the high-water mark of a trailing position that rose quietly', () => {
    const { ledger, reopen } = tempLedger();
    const trailing = { distance_pct: 1, offset_pct: 50, only_after_offset: true };
    const { engine, broker } = compose({ ledger, markets, champion: scripted(new Map([[T0, { direction: 'long' as const, trailing }]])), symbols: [TEST.symbol] });
    feed(engine, [...bars(2), candle(TEST.symbol, T0 + 2 * M, 100, 104, 99.8, 103.5)]);
    engine.persistMarketTime();
    const restored = new PaperBroker({ ledger: reopen(), markets, slippageBps: SLIPPAGE_BPS, startingBalance: START });
    expect(restored.position(TEST.symbol)).toMatchObject({ highWater: 104, trailingStop: null });
    expect(restored.openPositions()).toEqual(broker.openPositions());
  });

  it('when a symbol loses twice in a row then the next entry waits for the cooldown', () => {
    const { ledger } = tempLedger();
    const drop = (i: number) => candle(TEST.symbol, T0 + i * M, 100, 100.2, 90, 91);
    const gate: GateSettings = { ...DEFAULT_GATE_SETTINGS, min_interval_s: 0 };
    const script = new Map([0, 2, 4, 6].map((i) => [T0 + i * M, { direction: 'long' as const }]));
    const { engine, signals, trades } = compose({ ledger, markets, champion: scripted(script), symbols: [TEST.symbol], gate });
    feed(engine, [bars(1)[0]!, drop(1), bars(1, 2)[0]!, drop(3), bars(1, 4)[0]!, ...bars(3, 5)]);
    expect(trades.map((t) => t.exit_reason)).toEqual(['stop', 'stop']);
    expect(signals.map((s) => s.executed)).toEqual([true, true, false, false]);
    expect(signals[2]!.gate.reasons).toEqual(['loss_streak_cooldown']);
  });

  it('when a live mark closes a position just after midnight then the trade counts toward the new day, and later candles of the old day do not roll it back', () => {
    const { ledger } = tempLedger();
    const evening = Date.parse('2026-03-10T23:40:00Z');
    const at = (i: number) => evening + i * M;
    const { engine, trades } = compose({ ledger, markets, champion: scripted(new Map([[at(0), { direction: 'long' as const }]])), symbols: [TEST.symbol] });
    feed(engine, [candle(TEST.symbol, at(0), 100, 100.5, 99.5, 100), candle(TEST.symbol, at(1), 100, 100.5, 99.5, 100)]);
    expect(engine.tradesToday).toBe(0);
    // 00:00:30: a live mark far under the stop, a candle (23:50) before the batches get there.
    engine.onMark(TEST.symbol, 90, Date.parse('2026-03-11T00:00:30Z'));
    expect(trades).toHaveLength(1);
    expect(trades[0]!.closed_at.slice(0, 10)).toBe('2026-03-11');
    expect(engine.tradesToday).toBe(1);
    // The new day started with the position at its last mark (100): the day lost the fall to the exit and the exit's costs.
    expect(engine.dailyPnl()).toBeCloseTo(trades[0]!.quantity * (trades[0]!.exit - 100) - (trades[0]!.fees - trades[0]!.quantity * trades[0]!.entry * TEST.takerFee), 6);
    feed(engine, [candle(TEST.symbol, at(2), 90, 90.5, 89.5, 90), candle(TEST.symbol, at(4), 90, 90.5, 89.5, 90)]);
    expect(engine.tradesToday).toBe(1);
    expect(ledger.getSetting<{ day: string }>('engine.day')?.day).toBe('2026-03-11');
  });

  it('when a live mark has moved the day on and the old day\'s last candle then stops a position out then the trade is the old day\'s, before and after a restart', () => {
    const { ledger, reopen } = tempLedger();
    const evening = Date.parse('2026-03-10T23:40:00Z');
    const at = (i: number) => evening + i * M;
    const { engine, trades, days } = compose({ ledger, markets, champion: scripted(new Map([[at(0), { direction: 'long' as const }]])), symbols: [TEST.symbol] });
    feed(engine, [candle(TEST.symbol, at(0), 100, 100.5, 99.5, 100), candle(TEST.symbol, at(1), 100, 100.5, 99.5, 100)]);
    expect(days).toEqual(['2026-03-10']);
    // 00:00:30: a live mark above the stop moves the engine into the new day (trades_today.json follows); then the 23:50 candle falls through the stop.
    engine.onMark(TEST.symbol, 99, Date.parse('2026-03-11T00:00:30Z'));
    expect(days).toEqual(['2026-03-10', '2026-03-11']);
    feed(engine, [candle(TEST.symbol, at(2), 99, 99.5, 90, 91)]);
    expect(trades).toHaveLength(1);
    expect(trades[0]!.closed_at.slice(0, 10)).toBe('2026-03-10');
    expect(engine.tradesToday).toBe(0);
    engine.persistMarketTime();
    ledger.close();
    const restarted = compose({ ledger: reopen(), markets, champion: scripted(new Map()), symbols: [TEST.symbol] });
    expect(restarted.engine.tradesToday).toBe(0);
  });

  it('when the daemon crashes after a day rolled without a trade then the restart counts each gate decision once, on its own day', () => {
    const { ledger, reopen } = tempLedger();
    const evening = Date.parse('2026-03-10T23:40:00Z');
    const candles = [0, 1, 2, 3, 4, 5].map((i) => candle(TEST.symbol, evening + i * M, 100, 100.5, 99.5, 100)); // 23:40 … 00:05
    const everyCandle = () => scripted(new Map(candles.map((c) => [c.ts, { direction: 'long' as const }])));
    const paused = { ...noFlags(), paused: true }; // every entry is refused, so nothing trades and no trade checkpoints
    const first = compose({ ledger, markets, champion: everyCandle(), symbols: [TEST.symbol], flags: paused });
    feed(first.engine, candles.slice(0, 5)); // up to 00:00: the day rolls
    ledger.close(); // killed before anything else was written

    // The restart resumes after the market time the ledger recorded, as the feeds do.
    const reopened = reopen();
    const second = compose({ ledger: reopened, markets, champion: everyCandle(), symbols: [TEST.symbol], flags: { ...paused } });
    const resumeAfter = second.engine.marketTime ?? -Infinity;
    feed(second.engine, candles.filter((c) => c.ts > resumeAfter));
    second.engine.persistMarketTime();
    expect(second.engine.gateStats.forDay('2026-03-10')).toMatchObject({ evaluated: 4, rejection_reasons: { paused: 4 } });
    expect(second.engine.gateStats.forDay('2026-03-11')).toMatchObject({ evaluated: 2, rejection_reasons: { paused: 2 } });
  });

  it('when the daemon restarts after a live mark has moved it into the new day then the old day\'s late candles do not roll it back', () => {
    const { ledger, reopen } = tempLedger();
    const evening = Date.parse('2026-03-10T23:40:00Z');
    const at = (i: number) => evening + i * M;
    const flat = (i: number) => candle(TEST.symbol, at(i), 90, 90.5, 89.5, 90);
    const first = compose({ ledger, markets, champion: scripted(new Map([[at(0), { direction: 'long' as const }]])), symbols: [TEST.symbol] });
    feed(first.engine, [candle(TEST.symbol, at(0), 100, 100.5, 99.5, 100), candle(TEST.symbol, at(1), 100, 100.5, 99.5, 100)]);
    first.engine.onMark(TEST.symbol, 90, Date.parse('2026-03-11T00:00:30Z'));
    expect(first.trades).toHaveLength(1);
    const lossToday = first.engine.dailyPnl();
    expect(lossToday).toBeLessThan(0);
    ledger.close();

    // Restarted before the 23:50 and 23:55 candles were processed: the feed resumes after the last checkpoint.
    const reopened = reopen();
    const second = compose({ ledger: reopened, markets, champion: scripted(new Map()), symbols: [TEST.symbol] });
    feed(second.engine, [flat(2), flat(3), flat(4)]);
    expect(reopened.getSetting<{ day: string }>('engine.day')?.day).toBe('2026-03-11');
    expect(second.engine.dailyPnl()).toBeCloseTo(lossToday, 6);
    expect(second.engine.tradesToday).toBe(1);
  });

  it('when a live exit fills from the book at the close of the day\'s last candle then it counts toward the new day, after a stop inside that candle that counts toward the old one', () => {
    const { ledger } = tempLedger();
    const TWO = { ...TEST, symbol: 'TWO/USDT', base: 'TWO' };
    const evening = Date.parse('2026-03-10T23:40:00Z');
    const at = (i: number) => evening + i * M;
    const book: BookSource = { levels: () => [[100, 1_000]] };
    const script = new Map([
      [at(0), { direction: 'long' as const }],
      [at(2), { direction: 'exit' as const }],
    ]);
    const champion = scripted(script);
    const onlyTest: Strategy = { ...champion, onCandle: (c, context) => (c.symbol === TWO.symbol && c.ts === at(2) ? [] : champion.onCandle(c, context)) };
    const { engine, trades } = compose({ ledger, markets: new Map([[TEST.symbol, TEST], [TWO.symbol, TWO]]), champion: onlyTest, symbols: [TEST.symbol, TWO.symbol], book });
    const batch = (i: number, low = 99.5) => engine.processBatch({ ts: at(i), warmup: false, candles: [candle(TEST.symbol, at(i), 100, 100.5, 99.5, 100), candle(TWO.symbol, at(i), 100, 100.5, low, 100)] });
    for (const i of [0, 1, 2]) batch(i);
    expect(engine.tradesToday).toBe(0);
    // 23:55, the day's last candle: TWO falls through its stop inside it; TEST's exit walks the book once it has closed, at 00:00.
    batch(3, 95);
    expect(trades.map((t) => [t.symbol, t.exit_reason, t.closed_at])).toEqual([
      [TWO.symbol, 'stop', '2026-03-10T23:55:00.000Z'],
      [TEST.symbol, 'signal', '2026-03-11T00:00:00.000Z'],
    ]);
    expect(engine.tradesToday).toBe(1);
    expect(ledger.getSetting<{ day: string }>('engine.day')?.day).toBe('2026-03-11');
    // The old day ended after the stop and before the exit, TEST still marked at 100: the exit's fee is the new day's loss.
    const exitFee = trades[1]!.quantity * 100 * TEST.takerFee;
    const closed = ledger.database.prepare('SELECT equity FROM daily_equity WHERE day = ?').get('2026-03-10') as { equity: number };
    expect(closed.equity).toBeCloseTo(START + trades[0]!.net_pnl + trades[1]!.net_pnl + exitFee, 6);
    expect(engine.dailyPnl()).toBeCloseTo(-exitFee, 6);
  });
});
