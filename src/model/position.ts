import type { TrailingSpec } from './signal.js';

export interface Position {
  readonly id: string;
  readonly symbol: string;
  readonly side: 'long';
  readonly quantity: number;
  /** Average fill price including slippage. */
  readonly entry: number;
  readonly entryFee: number;
  readonly entrySlippage: number;
  stop: number;
  readonly target: number | null;
  readonly trailing: TrailingSpec | null;
  /** Highest price seen since entry, for trailing. */
  highWater: number;
  trailingStop: number | null;
  readonly strategy: string;
  /** Market time (ms) of the entry fill. */
  readonly openedAt: number;
  mark: number;
}

export type ExitReason = 'stop' | 'target' | 'trailing_stop' | 'signal' | 'flatten' | 'emergency_stop' | 'capital_preservation' | 'handover';

/** One closed round trip, as written to logs/all_trades.jsonl (SPEC §8). */
export interface TradeRecord {
  readonly id: string;
  readonly symbol: string;
  readonly side: 'long';
  readonly strategy: string;
  readonly opened_at: string;
  readonly closed_at: string;
  readonly entry: number;
  readonly exit: number;
  readonly quantity: number;
  readonly gross_pnl: number;
  readonly fees: number;
  readonly slippage: number;
  readonly net_pnl: number;
  readonly return_pct: number;
  readonly exit_reason: ExitReason;
  readonly hold_s: number;
}

/** A market order waiting for the next price it can fill at. */
export interface PendingOrder {
  readonly id: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly quantity: number;
  /** Cash held back for a buy, released at fill or cancel. */
  readonly reserved: number;
  readonly createdAt: number;
  readonly strategy: string;
  readonly reason: string;
  readonly positionId: string | null;
  readonly stopDistance: number;
  readonly targetDistance: number | null;
  readonly trailing: TrailingSpec | null;
}
