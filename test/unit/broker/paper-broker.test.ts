import { describe, expect, it } from 'vitest';
import type { BrokerEvent } from '../../../src/broker/paper-broker.js';
import { InvariantError } from '../../../src/model/errors.js';
import type { Position, TradeRecord } from '../../../src/model/position.js';
import type { BookLevel, BookSource } from '../../../src/ports/book-source.js';
import { BTC, TEST, candle, entry, makeBroker, onStep, tempLedger } from './fixtures.js';

const MIN = 60_000;
const S = TEST.symbol;

const closed = (events: readonly BrokerEvent[]): TradeRecord[] => events.flatMap((e) => (e.kind === 'closed' ? [e.trade] : []));
const opened = (events: readonly BrokerEvent[]): Position[] => events.flatMap((e) => (e.kind === 'opened' ? [e.position] : []));

/** A broker holding 10 TEST bought at the open 101.00 (fill 101.11 with 10 bps and the tick), stop 5 below the fill. */
function withPosition(plan: { targetDistance?: number | null; trailing?: Position['trailing']; stopDistance?: number } = {}) {
  const store = tempLedger();
  const broker = makeBroker({ ledger: store.ledger });
  const submitted = broker.submitEntry(entry({ targetDistance: plan.targetDistance ?? null, trailing: plan.trailing ?? null, stopDistance: plan.stopDistance ?? 5 }));
  expect(submitted.ok).toBe(true);
  const [position] = opened(broker.onCandle(candle(S, MIN, 101, 101.5, 100.5, 101.2)));
  return { ...store, broker, position: position! };
}

describe('PaperBroker entries', () => {
  it('when a buy is placed then it fills at the next open moved by slippage onto the tick above, paying the taker fee on the notional', () => {
    const { broker, ledger } = withPosition();
    const position = broker.position(S)!;
    expect(position.entry).toBe(101.11); // 101 × 1.001 = 101.101 → the tick above
    expect(position.entryFee).toBeCloseTo(1.0111, 10); // 0.1 % of 1011.10
    expect(position.entrySlippage).toBeCloseTo(1.1, 10); // 10 × (101.11 − 101)
    expect(position.stop).toBe(96.11); // re-anchored to the fill
    expect(broker.cash).toBeCloseTo(10_000 - 1011.1 - 1.0111, 8);
    expect(broker.reservedCash).toBe(0);
    expect(broker.available).toBe(broker.cash);
    expect(ledger.loadPendingOrders()).toEqual([]);
  });

  it('when a buy is placed then its cash is reserved at once, slippage, tick and fee included', () => {
    const { ledger } = tempLedger();
    const broker = makeBroker({ ledger });
    const result = broker.submitEntry(entry());
    expect(result).toMatchObject({ ok: true, order: { quantity: 10, reserved: 1002.001 } }); // 10 × 100.10 × 1.001
    expect(broker.cash).toBe(10_000);
    expect(broker.available).toBeCloseTo(8997.999, 8);
  });

  it.each<[string, number, number, string | null, number]>([
    ['a quantity off the step', 0.123456789, 100, null, 0.123],
    ['a quantity below the minimum amount', 0.0099, 2000, 'below_min_amount', 0],
    ['a notional below the minimum cost', 0.099, 100, 'below_min_cost', 0],
    ['a notional just at the minimum cost', 0.1, 100, null, 0.1],
    ['a quantity that rounds down below the minimum cost', 0.1009, 99.5, 'below_min_cost', 0],
    ['a quantity above the market maximum', 9000.001, 1, 'above_max_amount', 0],
  ])('when the request has %s then the quantity is floored to the step and never rounded up', (_, quantity, price, reason, expected) => {
    const broker = makeBroker({ ledger: tempLedger().ledger });
    const result = broker.submitEntry(entry({ quantity, referencePrice: price }));
    if (reason === null) {
      expect(result).toMatchObject({ ok: true, order: { quantity: expected } });
      expect(onStep(expected, TEST.amountStep)).toBe(true);
    } else {
      expect(result).toEqual({ ok: false, reason });
    }
  });

  it('when two entries arrive in one candle with cash for one then the second is refused and only one fills', () => {
    const broker = makeBroker({ ledger: tempLedger().ledger, startingBalance: 1_500 });
    expect(broker.submitEntry(entry({ symbol: S, quantity: 10 })).ok).toBe(true); // reserves 1002.001
    expect(broker.submitEntry(entry({ symbol: BTC.symbol, quantity: 0.0199, referencePrice: 25_000 }))).toEqual({ ok: false, reason: 'insufficient_balance' });
    expect(broker.pendingOrders()).toHaveLength(1);
    expect(broker.available).toBeCloseTo(1_500 - 1002.001, 8);
  });

  it('when reservations fit but gaps make the fills cost more than reserved plus free cash then the later order is rejected whole', () => {
    const { ledger } = tempLedger();
    const broker = makeBroker({ ledger, startingBalance: 1_000 });
    const first = broker.submitEntry(entry({ symbol: S, quantity: 4 }));
    const second = broker.submitEntry(entry({ symbol: BTC.symbol, quantity: 0.02, referencePrice: 25_000, stopDistance: 500 }));
    expect(first.ok && second.ok).toBe(true);
    // TEST gaps up 20 %: its fill uses its reservation and most of the free cash.
    expect(opened(broker.onCandle(candle(S, MIN, 120, 121, 119, 120)))).toHaveLength(1);
    // BTC gaps up 20 % too: its own reservation plus what is left free no longer covers it.
    const events = broker.onCandle(candle(BTC.symbol, MIN, 30_000, 30_100, 29_900, 30_000));
    expect(events).toEqual([expect.objectContaining({ kind: 'order_rejected', reason: 'insufficient_balance' })]);
    expect(broker.position(BTC.symbol)).toBeUndefined();
    expect(broker.reservedCash).toBe(0);
    expect(broker.cash).toBeGreaterThanOrEqual(0);
    expect(ledger.loadPendingOrders()).toEqual([]);
  });

  it('when the fill costs more than the reservation but free cash covers it then it fills', () => {
    const broker = makeBroker({ ledger: tempLedger().ledger });
    broker.submitEntry(entry({ quantity: 10 }));
    const [position] = opened(broker.onCandle(candle(S, MIN, 110, 111, 109, 110)));
    expect(position?.entry).toBe(110.11);
    expect(broker.cash).toBeCloseTo(10_000 - 1101.1 - 1.1011, 8);
  });
});

describe('PaperBroker exits inside a candle', () => {
  it('when the low touches the stop then it sells at the stop moved by slippage onto the tick below, paying the taker fee', () => {
    const { broker } = withPosition();
    const [trade] = closed(broker.onCandle(candle(S, 2 * MIN, 100, 100.5, 96, 97)));
    expect(trade).toMatchObject({ exit_reason: 'stop', exit: 96.01, quantity: 10 }); // 96.11 × 0.999 = 96.0139 → 96.01
    expect(trade!.gross_pnl).toBeCloseTo(-51, 8);
    expect(trade!.fees).toBeCloseTo(1.0111 + 0.9601, 8);
    expect(trade!.net_pnl).toBeCloseTo(-52.9712, 8);
    expect(trade!.slippage).toBeCloseTo(1.1 + 1.0, 8); // entry 10 × 0.11, exit 10 × (96.11 − 96.01)
    expect(broker.cash).toBeCloseTo(10_000 + trade!.net_pnl, 8);
  });

  it('when stop and target both lie inside one candle then the stop fills first', () => {
    const { broker } = withPosition({ targetDistance: 5 });
    const [trade] = closed(broker.onCandle(candle(S, 2 * MIN, 101, 107, 95, 106)));
    expect(trade).toMatchObject({ exit_reason: 'stop', exit: 96.01 });
  });

  it('when the open gaps below the stop then it fills at the open moved by slippage, worse than the stop', () => {
    const { broker } = withPosition();
    const [trade] = closed(broker.onCandle(candle(S, 2 * MIN, 90, 92, 89, 91)));
    expect(trade).toMatchObject({ exit_reason: 'stop', exit: 89.91 }); // 90 × 0.999
    expect(trade!.exit).toBeLessThan(96.11);
  });

  it('when the high trades through the target then it fills at the target price, no slippage, taker fee (pessimistic: maker would be cheaper)', () => {
    const { broker } = withPosition({ targetDistance: 5 });
    const [trade] = closed(broker.onCandle(candle(S, 2 * MIN, 102, 106.2, 101.5, 106)));
    expect(trade).toMatchObject({ exit_reason: 'target', exit: 106.11 });
    expect(trade!.fees).toBeCloseTo(1.0111 + 1061.1 * TEST.takerFee, 8);
    expect(trade!.slippage).toBeCloseTo(1.1, 8);
  });

  it('when the high only touches the target then the resting limit is not assumed filled', () => {
    const { broker } = withPosition({ targetDistance: 5 });
    expect(closed(broker.onCandle(candle(S, 2 * MIN, 102, 106.11, 101.5, 106)))).toEqual([]);
    expect(broker.position(S)?.mark).toBe(106);
  });

  it('when an exit signal is submitted then it fills at the next open with slippage, once however often it is asked', () => {
    const { broker } = withPosition();
    expect(broker.submitExit(S, 'test', 'test_exit', MIN)).toEqual({ ok: true });
    expect(broker.submitExit(S, 'test', 'test_exit', MIN)).toEqual({ ok: true });
    expect(broker.pendingOrders()).toHaveLength(1);
    const [trade] = closed(broker.onCandle(candle(S, 2 * MIN, 103, 104, 102, 103)));
    expect(trade).toMatchObject({ exit_reason: 'signal', exit: 102.89 }); // 103 × 0.999 = 102.897 → 102.89
    expect(broker.pendingOrders()).toEqual([]);
    expect(broker.submitExit(S, 'test', 'test_exit', 3 * MIN)).toEqual({ ok: false, reason: 'no_position' });
  });
});

describe('PaperBroker trailing stops', () => {
  const trail = (onlyAfterOffset: boolean) => ({ distance_pct: 2, offset_pct: 3, only_after_offset: onlyAfterOffset });

  it('when only_after_offset and the high-water mark is below the offset then the stop stays put', () => {
    const { broker } = withPosition({ trailing: trail(true) });
    broker.onCandle(candle(S, 2 * MIN, 101.2, 103.5, 101, 103)); // +2.4 % < 3 %
    expect(broker.position(S)).toMatchObject({ trailingStop: null, highWater: 103.5 });
  });

  it('when the offset is reached then the stop trails the high by the distance, on the tick below', () => {
    const { broker } = withPosition({ trailing: trail(true) });
    const events = broker.onCandle(candle(S, 2 * MIN, 101.2, 105, 101, 104.5)); // +3.85 %
    expect(events).toEqual([expect.objectContaining({ kind: 'stop_moved' })]);
    expect(broker.position(S)?.trailingStop).toBe(102.9); // 105 × 0.98
  });

  it('when not only_after_offset then the stop trails from the first candle', () => {
    const { broker } = withPosition({ trailing: trail(false) });
    broker.onCandle(candle(S, 2 * MIN, 101.2, 102, 101, 101.5));
    expect(broker.position(S)?.trailingStop).toBe(99.96); // 102 × 0.98
  });

  it('when the price falls back then the trailing stop never moves down', () => {
    const { broker } = withPosition({ trailing: trail(false) });
    broker.onCandle(candle(S, 2 * MIN, 101.2, 105, 101, 104.5));
    broker.onCandle(candle(S, 3 * MIN, 104.5, 104.6, 103.5, 103.6));
    expect(broker.position(S)).toMatchObject({ trailingStop: 102.9, highWater: 105 });
  });

  it("when a candle makes a new high and then dips then its low is judged against the previous candles' trailing level", () => {
    const { broker } = withPosition({ trailing: trail(false) });
    broker.onCandle(candle(S, 2 * MIN, 101.2, 105, 101, 104.5)); // trail 102.90
    // High 110 would trail to 107.80, but the low 103 is judged against 102.90: no exit yet.
    expect(closed(broker.onCandle(candle(S, 3 * MIN, 104.5, 110, 103, 109)))).toEqual([]);
    expect(broker.position(S)?.trailingStop).toBe(107.8);
    const [trade] = closed(broker.onCandle(candle(S, 4 * MIN, 109, 109.5, 107, 107.5)));
    expect(trade).toMatchObject({ exit_reason: 'trailing_stop', exit: 107.69 }); // 107.80 × 0.999 = 107.6922
  });

  it('when a trailing position is restored after a checkpoint then it trails from the same high-water mark', () => {
    const { broker, reopen } = withPosition({ trailing: trail(true) });
    broker.onCandle(candle(S, 2 * MIN, 101.2, 103.9, 101, 103)); // new high, offset not reached: nothing visible moved
    expect(makeBroker({ ledger: reopen() }).position(S)).toMatchObject({ highWater: 101.11 }); // not yet checkpointed
    broker.checkpoint();
    expect(makeBroker({ ledger: reopen() }).position(S)).toMatchObject({ highWater: 103.9, trailingStop: null });
  });
});

describe('PaperBroker flatten', () => {
  it('when closeAll runs then every position sells at its mark moved by slippage and waiting orders are cancelled, releasing their cash', () => {
    const { broker, ledger } = withPosition();
    broker.onCandle(candle(S, 2 * MIN, 101.2, 103, 101, 102.5));
    broker.submitEntry(entry({ symbol: BTC.symbol, quantity: 0.01, referencePrice: 25_000, stopDistance: 500 }));
    expect(broker.reservedCash).toBeGreaterThan(0);
    const [trade] = closed(broker.closeAll('flatten', 3 * MIN));
    expect(trade).toMatchObject({ exit_reason: 'flatten', exit: 102.39 }); // 102.5 × 0.999 = 102.3975 → 102.39
    expect(broker.openPositions()).toEqual([]);
    expect(broker.reservedCash).toBe(0);
    expect(ledger.loadPendingOrders()).toEqual([]);
    expect(broker.cash).toBeCloseTo(10_000 + trade!.net_pnl, 8);
  });
});

describe('PaperBroker invariants', () => {
  it.each<[string, [number, number, number, number]]>([
    ['a NaN open', [NaN, 102, 100, 101]],
    ['a zero low', [101, 102, 0, 101]],
    ['a high below the close', [101, 101.5, 100, 102]],
    ['an infinite close', [101, 102, 100, Infinity]],
  ])('when a candle has %s then the broker throws an InvariantError and writes nothing', (_, [open, high, low, close]) => {
    const { ledger } = tempLedger();
    const broker = makeBroker({ ledger });
    broker.submitEntry(entry());
    expect(() => broker.onCandle(candle(S, MIN, open, high, low, close))).toThrow(InvariantError);
    expect(ledger.loadPendingOrders()).toHaveLength(1);
    expect(ledger.loadPositions()).toEqual([]);
    expect(ledger.getSetting('account.balance')).toBeUndefined();
  });

  it('when a mark is not a price then it throws an InvariantError', () => {
    const { broker } = withPosition();
    expect(() => broker.mark(S, NaN)).toThrow(InvariantError);
    expect(broker.equity()).toBeGreaterThan(0);
  });

  it('when a ledger is new then it records the starting balance once, and a later config value does not replace it', () => {
    const { ledger, reopen } = tempLedger();
    expect(makeBroker({ ledger, startingBalance: 10_000 }).startingBalance).toBe(10_000);
    expect(ledger.getSetting('account.starting_balance')).toBe(10_000);
    const again = reopen();
    const later = makeBroker({ ledger: again, startingBalance: 5_000 });
    expect(later.startingBalance).toBe(10_000);
    expect(later.cash).toBe(10_000);
    expect(again.getSetting('account.starting_balance')).toBe(10_000);
  });

  it('when a ledger from before the starting balance was recorded is opened then nothing is guessed: the config says it', () => {
    const { ledger } = tempLedger();
    ledger.setSetting('account.balance', 9_000);
    const broker = makeBroker({ ledger, startingBalance: 10_000 });
    expect(broker.startingBalance).toBe(10_000);
    expect(ledger.getSetting('account.starting_balance')).toBeUndefined();
  });

  it('when the ledger holds a negative balance then a new broker refuses to start on it', () => {
    const { ledger } = tempLedger();
    ledger.setSetting('account.balance', -5);
    expect(() => makeBroker({ ledger })).toThrow(InvariantError);
  });
});

describe('PaperBroker restart', () => {
  it('when a new broker opens the same SQLite file then positions, pending orders, reserved cash, balance and ids are restored exactly', () => {
    const { broker, reopen } = withPosition({ targetDistance: 8, trailing: { distance_pct: 2, offset_pct: 1, only_after_offset: true } });
    broker.onCandle(candle(S, 2 * MIN, 101.2, 104, 101, 103.5)); // trailing stop moves
    broker.submitEntry(entry({ symbol: BTC.symbol, quantity: 0.01234, referencePrice: 25_000, stopDistance: 400, at: 2 * MIN }));
    const restored = makeBroker({ ledger: reopen() });
    expect(restored.openPositions()).toEqual(broker.openPositions());
    expect(restored.pendingOrders()).toEqual(broker.pendingOrders());
    expect(restored.reservedCash).toBe(broker.reservedCash);
    expect(restored.cash).toBe(broker.cash);
    expect(restored.available).toBe(broker.available);
    // The next order id continues the sequence rather than colliding with a stored one.
    const next = restored.submitExit(S, 'test', 'x', 3 * MIN);
    expect(next.ok).toBe(true);
    const ids = restored.pendingOrders().map((o) => o.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('when the restored broker trades on then it ends where the uninterrupted one ends', () => {
    const script = (b: ReturnType<typeof makeBroker>, from: number) => {
      const candles = [
        candle(S, 2 * MIN, 101.2, 104, 101, 103.5),
        candle(S, 3 * MIN, 103.5, 106, 103, 105),
        candle(S, 4 * MIN, 105, 105.2, 101, 101.5),
      ];
      return candles.slice(from).flatMap((c) => b.onCandle(c));
    };
    const trail = { distance_pct: 2, offset_pct: 1, only_after_offset: true };
    const straight = withPosition({ trailing: trail });
    const tradesStraight = closed(script(straight.broker, 0));
    const partial = withPosition({ trailing: trail });
    partial.broker.onCandle(candle(S, 2 * MIN, 101.2, 104, 101, 103.5));
    partial.broker.checkpoint();
    const resumed = makeBroker({ ledger: partial.reopen() });
    const tradesResumed = closed(script(resumed, 1));
    expect(tradesResumed).toEqual(tradesStraight);
    expect(resumed.cash).toBe(straight.broker.cash);
  });

  it('when a stop fills then its sell order is written already filled, and a restart continues the order ids after it', () => {
    const { broker, ledger, reopen } = withPosition();
    expect(closed(broker.onCandle(candle(S, 2 * MIN, 101, 101.2, 95, 96)))).toHaveLength(1);
    const orders = ledger.database.prepare('SELECT id, side, status, status_reason FROM orders ORDER BY id').all();
    expect(orders).toEqual([
      { id: 'ord-00000001', side: 'buy', status: 'filled', status_reason: null },
      { id: 'ord-00000002', side: 'sell', status: 'filled', status_reason: 'stop' },
    ]);
    expect(ledger.getSetting('broker.seq')).toBeUndefined();
    const restarted = makeBroker({ ledger: reopen() });
    const next = restarted.submitEntry(entry({ at: 3 * MIN }));
    expect(next).toMatchObject({ ok: true, order: { id: 'ord-00000003' } });
  });

  it('when a ledger from before kept the sequence as a setting then the higher of it and the ids wins', () => {
    const { ledger, reopen } = tempLedger();
    ledger.setSetting('broker.seq', 41);
    expect(makeBroker({ ledger: reopen() }).submitEntry(entry())).toMatchObject({ ok: true, order: { id: 'ord-00000042' } });
  });

  it('when the candle that produced an order arrives again after a restart then the order waits for the next candle', () => {
    const { ledger, reopen } = tempLedger();
    makeBroker({ ledger }).submitEntry(entry({ at: 5 * MIN }));
    // The daemon died before its checkpoint: the restarted one is fed the 5-minute candle again.
    const restarted = makeBroker({ ledger: reopen() });
    expect(restarted.onCandle(candle(S, 5 * MIN, 90, 91, 89, 90.5))).toEqual([]);
    expect(restarted.pendingOrders()).toHaveLength(1);
    const [position] = opened(restarted.onCandle(candle(S, 6 * MIN, 101, 101.5, 100.5, 101.2)));
    expect(position!.entry).toBe(101.11);
  });
});

describe('PaperBroker with a live order book', () => {
  const bookOf = (asks: BookLevel[] | null, bids: BookLevel[] | null): BookSource => ({ levels: (_symbol, side) => (side === 'buy' ? asks : bids) });

  it('when a book is given then a market buy walks it for its size and pays the volume-weighted price', () => {
    const broker = makeBroker({ ledger: tempLedger().ledger, book: bookOf([[100.5, 4], [100.6, 4], [100.8, 10]], null) });
    broker.submitEntry(entry({ quantity: 10 }));
    const [position] = opened(broker.onCandle(candle(S, MIN, 100.4, 101, 100, 100.7)));
    expect(position!.entry).toBeCloseTo((4 * 100.5 + 4 * 100.6 + 2 * 100.8) / 10, 10);
    expect(position!.entryFee).toBeCloseTo(10 * position!.entry * TEST.takerFee, 8);
  });

  it('when the book is too thin for the buy then the order is rejected, not partly filled', () => {
    const broker = makeBroker({ ledger: tempLedger().ledger, book: bookOf([[100.5, 4], [100.6, 4]], null) });
    broker.submitEntry(entry({ quantity: 10 }));
    expect(broker.onCandle(candle(S, MIN, 100.4, 101, 100, 100.7))).toEqual([expect.objectContaining({ kind: 'order_rejected', reason: 'insufficient_liquidity' })]);
    expect(broker.reservedCash).toBe(0);
    expect(broker.cash).toBe(10_000);
  });

  it('when the book is too thin for an exit then the position still closes, the rest priced at the last level moved by slippage', () => {
    let bids: BookLevel[] | null = null;
    const broker = makeBroker({ ledger: tempLedger().ledger, book: { levels: (_s, side) => (side === 'sell' ? bids : null) } });
    broker.submitEntry(entry({ quantity: 10 }));
    broker.onCandle(candle(S, MIN, 101, 101.5, 100.5, 101.2));
    bids = [[101, 6], [100.9, 2]];
    broker.submitExit(S, 'test', 'x', MIN);
    const [trade] = closed(broker.onCandle(candle(S, 2 * MIN, 101, 101.5, 100.5, 101)));
    expect(trade!.exit).toBeCloseTo((6 * 101 + 2 * 100.9 + 2 * 100.79) / 10, 10); // 100.9 × 0.999 = 100.7991 → 100.79
    expect(broker.openPositions()).toEqual([]);
  });

  it('when a waiting buy fills from the book then it is stamped at the candle\'s close, and that candle\'s range, which came before it, leaves it alone', () => {
    const { ledger } = tempLedger();
    const broker = makeBroker({ ledger, book: bookOf([[106, 100]], null), timeframeMs: MIN });
    broker.submitEntry(entry({ quantity: 1, stopDistance: 5, targetDistance: 3 }));
    // The candle dipped to 95 (under the stop at 101) and rose to 110 (over the target at 109)
    // before it closed; only then did the order reach the book, at 106.
    const events = broker.onCandle(candle(S, MIN, 100, 110, 95, 104));
    expect(events.map((e) => e.kind)).toEqual(['opened']);
    const [position] = opened(events);
    expect(position).toMatchObject({ entry: 106, stop: 101, target: 109, openedAt: 2 * MIN, mark: 104 });
    expect(broker.openPositions()).toHaveLength(1);
    // From the next candle on, its range counts as usual.
    const [trade] = closed(broker.onCandle(candle(S, 2 * MIN, 104, 104.5, 100, 101)));
    expect(trade).toMatchObject({ exit_reason: 'stop', opened_at: new Date(2 * MIN).toISOString() });
  });

  it("when a waiting order walks the book at the candle's close then its slippage is measured from the close, not from the open a candle earlier", () => {
    let asks: BookLevel[] | null = [[104.2, 100]];
    let bids: BookLevel[] | null = null;
    const broker = makeBroker({ ledger: tempLedger().ledger, book: { levels: (_s, side) => (side === 'buy' ? asks : bids) }, timeframeMs: MIN });
    broker.submitEntry(entry({ quantity: 10 }));
    // The candle rose from 100 to 104 before the order reached the book: that move is not a cost of the fill.
    const [position] = opened(broker.onCandle(candle(S, MIN, 100, 104.5, 99.5, 104)));
    expect(position!.entrySlippage).toBeCloseTo(10 * (104.2 - 104), 8);
    asks = null;
    bids = [[107.9, 100]];
    broker.submitExit(S, 'test', 'x', 2 * MIN);
    // It rose again to 108 before the sell reached the book: the sell paid 0.1 a unit, it did not earn 3.9.
    const [trade] = closed(broker.onCandle(candle(S, 3 * MIN, 104, 108.5, 103.5, 108)));
    expect(trade!.exit).toBe(107.9);
    expect(trade!.slippage).toBeCloseTo(10 * 0.2 + 10 * 0.1, 8);
  });

  it('when the book source has no fresh book then the candle rule applies', () => {
    const broker = makeBroker({ ledger: tempLedger().ledger, book: bookOf(null, null) });
    broker.submitEntry(entry({ quantity: 10 }));
    expect(opened(broker.onCandle(candle(S, MIN, 101, 101.5, 100.5, 101.2)))[0]?.entry).toBe(101.11);
  });

  it('when asked when a candle\'s waiting order fills then it is the close with a book, the open without one or with no order, and it matches the fill\'s stamp', () => {
    const withBook = makeBroker({ ledger: tempLedger().ledger, book: bookOf([[106, 100]], null), timeframeMs: MIN });
    const noBook = makeBroker({ ledger: tempLedger().ledger, book: bookOf(null, null), timeframeMs: MIN });
    const next = candle(S, MIN, 100, 110, 95, 104);
    expect(withBook.fillTimeOf(next)).toBe(MIN);
    for (const broker of [withBook, noBook]) broker.submitEntry(entry({ quantity: 1 }));
    expect(withBook.fillTimeOf(candle(S, 0, 100, 110, 95, 104))).toBe(0); // the order's own candle does not fill it
    expect(withBook.fillTimeOf(next)).toBe(2 * MIN);
    expect(noBook.fillTimeOf(next)).toBe(MIN);
    expect(opened(withBook.onCandle(next))[0]?.openedAt).toBe(2 * MIN);
    expect(opened(noBook.onCandle(next))[0]?.openedAt).toBe(MIN);
  });
});
