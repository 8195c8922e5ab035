import { describe, expect, it } from 'vitest';
import type { BrokerEvent } from '../../../src/broker/paper-broker.js';
import type { Position, TradeRecord } from '../../../src/model/position.js';
import { TEST, candle, entry, makeBroker, tempLedger } from './fixtures.js';

const MIN = 60_000;
const S = TEST.symbol;
const closed = (events: readonly BrokerEvent[]): TradeRecord[] => events.flatMap((e) => (e.kind === 'closed' ? [e.trade] : []));
const opened = (events: readonly BrokerEvent[]): Position[] => events.flatMap((e) => (e.kind === 'opened' ? [e.position] : []));

/** 10 TEST filled at 101.11 (open 101, 10 bps, the tick above), stop 96.11, target 111.11. */
function holding(trailing: Position['trailing'] = null) {
  const { ledger } = tempLedger();
  const broker = makeBroker({ ledger });
  expect(broker.submitEntry(entry({ stopDistance: 5, targetDistance: 10, trailing })).ok).toBe(true);
  expect(opened(broker.onCandle(candle(S, MIN, 101, 101.5, 100.5, 101.2)))).toHaveLength(1);
  return { broker, ledger };
}

describe('PaperBroker live marks', () => {
  it('when a mark stays between stop and target then nothing closes and the mark moves', () => {
    const { broker } = holding();
    expect(broker.onMark(S, 104, 2 * MIN)).toEqual([]);
    expect(broker.position(S)?.mark).toBe(104);
  });

  it('when a mark falls through the stop then the position is sold now at the mark moved by slippage, not at the stop', () => {
    const { broker, ledger } = holding();
    const [trade] = closed(broker.onMark(S, 95, 2 * MIN));
    expect(trade).toMatchObject({ exit_reason: 'stop', exit: 94.9, closed_at: new Date(2 * MIN).toISOString() }); // 95 × 0.999 = 94.905 → the tick below
    expect(trade!.fees).toBeGreaterThan(0);
    expect(ledger.loadPositions()).toEqual([]);
  });

  it('when a mark trades through the target then it fills at the target price (a resting limit)', () => {
    const { broker } = holding();
    const [trade] = closed(broker.onMark(S, 112, 2 * MIN));
    expect(trade).toMatchObject({ exit_reason: 'target', exit: 111.11 });
  });

  it('when marks rise past the trailing offset then the trailing stop follows and a later mark below it closes the position', () => {
    const { broker } = holding({ distance_pct: 2, offset_pct: 1, only_after_offset: true });
    const moved = broker.onMark(S, 106, 2 * MIN);
    expect(moved.map((e) => e.kind)).toEqual(['stop_moved']);
    const trailing = broker.position(S)!.trailingStop!;
    expect(trailing).toBeCloseTo(103.88, 2); // 106 × 0.98
    const [trade] = closed(broker.onMark(S, 103.5, 3 * MIN));
    expect(trade?.exit_reason).toBe('trailing_stop');
  });

  it('when a mark fires the stop while an exit signal\'s sell waits for its candle then that sell is cancelled with it, in the ledger too', () => {
    const { broker, ledger } = holding();
    expect(broker.submitExit(S, 'test', 'test_exit', MIN)).toEqual({ ok: true });
    const [trade] = closed(broker.onMark(S, 95, 2 * MIN));
    expect(trade?.exit_reason).toBe('stop');
    expect(broker.pendingOrders()).toEqual([]);
    expect(broker.hasPendingOrder(S)).toBe(false); // a new entry on the symbol is not held up by it
    expect(ledger.loadPendingOrders()).toEqual([]);
    expect(broker.available).toBe(broker.cash);
    // The next candle has nothing left to do for the symbol.
    expect(broker.onCandle(candle(S, 2 * MIN, 95, 96, 94, 95))).toEqual([]);
  });

  it('when the mark is not a price then it is refused before anything changes', () => {
    const { broker } = holding();
    expect(() => broker.onMark(S, Number.NaN, 2 * MIN)).toThrow();
    expect(broker.position(S)?.mark).toBe(101.2);
  });
});
