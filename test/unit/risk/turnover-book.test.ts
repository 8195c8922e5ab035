import { describe, expect, it } from 'vitest';
import type { TradeRecord } from '../../../src/model/position.js';
import { TurnoverBook } from '../../../src/risk/turnover-book.js';

const H = 3_600_000;
const DAY = Date.parse('2026-03-10T00:00:00Z');

const trade = (symbol: string, openedAt: number, closedAt: number, net: number): TradeRecord => ({
  id: `trd-${symbol}-${closedAt}`, symbol, side: 'long', strategy: 'test', opened_at: new Date(openedAt).toISOString(), closed_at: new Date(closedAt).toISOString(),
  entry: 100, exit: 100, quantity: 1, gross_pnl: net, fees: 0, slippage: 0, net_pnl: net, return_pct: 0, exit_reason: 'stop', hold_s: 0,
});

describe('TurnoverBook', () => {
  it('when built from trades and open positions then it knows the last entry, entries per UTC day and the losing streak per symbol', () => {
    const trades = [
      trade('BTC/USDT', DAY - 2 * H, DAY - H, -5),
      trade('BTC/USDT', DAY + H, DAY + 2 * H, -3),
      trade('ETH/USDT', DAY + H, DAY + 3 * H, 4),
      trade('BTC/USDT', DAY + 4 * H, DAY + 5 * H, -1),
    ];
    const book = TurnoverBook.fromLedger(trades, [{ symbol: 'BTC/USDT', openedAt: DAY + 7 * H }]);
    const btc = book.state('BTC/USDT');
    expect(btc.lastEntryAt).toBe(DAY + 7 * H);
    expect(btc.entriesOnDayOf(DAY + 12 * H)).toBe(3);
    expect(btc.entriesOnDayOf(DAY + 24 * H)).toBe(0);
    expect(btc.lossStreak).toBe(3);
    expect(btc.lastLossAt).toBe(DAY + 5 * H);
    const eth = book.state('ETH/USDT');
    expect([eth.lossStreak, eth.lastLossAt, eth.entriesOnDayOf(DAY)]).toEqual([0, null, 1]);
    expect(book.state('SOL/USDT')).toMatchObject({ lastEntryAt: null, lossStreak: 0, lastLossAt: null });
  });

  it('when rebuilt after a restart then it answers exactly as the book kept up to date live', () => {
    const live = new TurnoverBook();
    const trades: TradeRecord[] = [];
    for (const [open, close, net] of [[1, 2, -2], [3, 4, -1], [26, 27, 5], [28, 30, -4]] as const) {
      live.recordEntry('BTC/USDT', DAY + open * H);
      const t = trade('BTC/USDT', DAY + open * H, DAY + close * H, net);
      live.recordExit(t);
      trades.push(t);
    }
    live.recordEntry('BTC/USDT', DAY + 31 * H);
    const rebuilt = TurnoverBook.fromLedger(trades, [{ symbol: 'BTC/USDT', openedAt: DAY + 31 * H }]);
    for (const at of [DAY, DAY + 25 * H, DAY + 47 * H]) {
      const [a, b] = [live.state('BTC/USDT'), rebuilt.state('BTC/USDT')];
      expect([b.lastEntryAt, b.lossStreak, b.lastLossAt, b.entriesOnDayOf(at)]).toEqual([a.lastEntryAt, a.lossStreak, a.lastLossAt, a.entriesOnDayOf(at)]);
    }
  });

  it('when a trade breaks even after fees then the streak ends, and a fee-only loss extends it', () => {
    const book = new TurnoverBook();
    book.recordExit(trade('X/USDT', 0, H, -1));
    book.recordExit(trade('X/USDT', 0, 2 * H, 0));
    expect(book.state('X/USDT').lossStreak).toBe(0);
    book.recordExit(trade('X/USDT', 0, 3 * H, -0.01));
    expect(book.state('X/USDT').lossStreak).toBe(1);
  });
});
