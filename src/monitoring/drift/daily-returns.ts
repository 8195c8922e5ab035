import type { TradeRecord } from '../../model/position.js';
import type { DailyPoint } from './change-point.js';

const DAY_MS = 86_400_000;

/** One day's return in percent from the equity (or balance) at the end of the day before. */
export function dailyReturnPct(previous: number, current: number): number {
  if (!(previous > 0) || !Number.isFinite(current)) throw new RangeError(`a daily return needs a previous equity above 0 and a finite current one, got ${previous} → ${current}`);
  return ((current - previous) / previous) * 100;
}

/**
 * Daily returns (percent) of a balance that starts at `startingBalance` and moves by each trade's
 * net PnL on the UTC day it closed, for every calendar day from `fromMs`'s day to `toMs`'s day
 * (both included; days without trades return 0). This is how a backtest's expectations are put
 * in the units of the daily returns the monitor logs.
 */
export function dailyReturnsFromTrades(trades: readonly TradeRecord[], startingBalance: number, fromMs: number, toMs: number): DailyPoint[] {
  const pnlByDay = new Map<number, number>();
  for (const t of trades) {
    const day = Math.floor(Date.parse(t.closed_at) / DAY_MS);
    pnlByDay.set(day, (pnlByDay.get(day) ?? 0) + t.net_pnl);
  }
  const points: DailyPoint[] = [];
  let balance = startingBalance;
  for (let day = Math.floor(fromMs / DAY_MS); day <= Math.floor(toMs / DAY_MS); day++) {
    const next = balance + (pnlByDay.get(day) ?? 0);
    if (balance <= 0) break; // a relative return from nothing is meaningless
    points.push({ date: new Date(day * DAY_MS).toISOString().slice(0, 10), return_pct: ((next - balance) / balance) * 100 });
    balance = next;
  }
  return points;
}
