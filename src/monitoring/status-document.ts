import type { TradingState } from '../model/trading-state.js';

/** logs/status.json, schema_version 1 (SPEC §4). */
export interface StatusDocument {
  schema_version: 1;
  timestamp: string;
  next_update: string;
  market_time: string | null;
  is_alive: boolean;
  pid: number;
  started_at: string;
  uptime_s: number;
  mode: 'paper';
  version: string;
  trading_state: TradingState;
  feed: { source: string; healthy: boolean; last_tick_at: string | null; stale_symbols: string[]; ended: boolean };
  account: { currency: string; balance: number; available: number; equity: number; daily_pnl: number; open_positions: number; daily_trades: number };
  risk: {
    can_trade: boolean;
    reasons: string[];
    risk_multiplier: number;
    risk_per_trade_pct: number;
    portfolio_heat_pct: number;
    max_portfolio_heat_pct: number;
    max_open_positions: number;
    consecutive_losses: number;
    daily_loss_remaining: number;
    capital_preservation: string;
    kill_switch: boolean;
    emergency_stop: boolean;
    paused: boolean;
  };
  active_positions: Array<{
    symbol: string;
    side: 'long';
    quantity: number;
    entry: number;
    mark: number;
    unrealized_pnl: number;
    stop: number;
    target: number | null;
    trailing_stop: number | null;
    strategy: string;
    opened_at: string;
  }>;
  pending_orders: Array<{ id: string; symbol: string; side: 'buy' | 'sell'; quantity: number; strategy: string; created_at: string }>;
  last_signal: { time: string; symbol: string; strategy: string; direction: string; score: number; executed: boolean; reason: string | null } | null;
  strategies: { champion: string; challengers: string[] };
  shadow: { decisions_session: number; decisions_total: number; last_decision_at: string | null };
  control: { last_applied: ControlOutcome | null; last_rejected: ControlOutcome | null };
  errors: Array<{ time: string; message: string }>;
}

export interface ControlOutcome {
  file: string;
  at: string;
  content: string;
  result: 'applied' | 'rejected';
  reason: string;
}

/** data/rl/paper_live_heartbeat.json (SPEC §5). */
export interface HeartbeatDocument {
  timestamp: string;
  pid: number;
  status: 'alive' | 'stopped';
  trading_state: TradingState;
  uptime_s: number;
  total_decisions_session: number;
  total_decisions_all_time: number;
  last_decision_at: string | null;
  last_candle_at: string | null;
  last_candle_processed_at: string | null;
  feed_healthy: boolean;
  version: string;
  /** The heartbeat period, so a reader can tell stale from fresh without the config. */
  interval_s: number;
}
