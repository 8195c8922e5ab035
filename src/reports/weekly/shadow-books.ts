import type { TradeRecord } from '../../model/position.js';
import { round6, roundCash, sum } from '../daily/tally.js';
import { balanceCurve, maxDrawdownPct } from './curves.js';

/** One book's week: the paper account (champion) or a shadow book of the same starting balance. */
export interface BookWeek {
  readonly role: string;
  readonly opening_balance: number;
  readonly closing_balance: number;
  readonly trades: number;
  readonly wins: number;
  readonly losses: number;
  readonly win_rate: number | null;
  readonly net_pnl: number;
  readonly fees: number;
  readonly slippage: number;
  /** Of the balance after each closed trade, percent of its running peak; null without trades. */
  readonly max_drawdown_pct: number | null;
}

/** Balances only: positions still open at the week's end are not marked. */
export function bookWeek(role: string, trades: readonly TradeRecord[], opening: number, from: number): BookWeek {
  const net = sum(trades.map((t) => t.net_pnl));
  const wins = trades.filter((t) => t.net_pnl > 0).length;
  const dd = trades.length > 0 ? maxDrawdownPct(balanceCurve('', trades, opening, from)) : null;
  return {
    role,
    opening_balance: roundCash(opening),
    closing_balance: roundCash(opening + net),
    trades: trades.length,
    wins,
    losses: trades.filter((t) => t.net_pnl < 0).length,
    win_rate: trades.length > 0 ? round6(wins / trades.length) : null,
    net_pnl: roundCash(net),
    fees: roundCash(sum(trades.map((t) => t.fees))),
    slippage: roundCash(sum(trades.map((t) => t.slippage))),
    max_drawdown_pct: dd === null ? null : round6(dd),
  };
}
