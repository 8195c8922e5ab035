import type { PaperBroker } from '../broker/paper-broker.js';
import type { Config } from '../config/schema.js';
import type { ControlFlags, Engine } from '../engine/engine.js';
import type { PendingOrder, Position } from '../model/position.js';
import { TradingState, type TradingState as State } from '../model/trading-state.js';
import type { WallClock } from '../ports/clock.js';
import type { MarketFeed } from '../ports/market-feed.js';
import type { RiskSettings } from '../risk/risk-settings.js';
import type { ControlOutcome, HeartbeatDocument, StatusDocument } from '../monitoring/status-document.js';

/** What status.json and the heartbeat are built from. */
export interface DaemonView {
  readonly config: Readonly<Config>;
  readonly clock: WallClock;
  readonly startedAt: number;
  readonly version: string;
  readonly engine: Engine;
  readonly broker: PaperBroker;
  readonly risk: RiskSettings;
  readonly flags: ControlFlags;
  readonly feed: MarketFeed;
  readonly errors: ReadonlyArray<{ time: string; message: string }>;
  readonly control?: () => { last_applied: ControlOutcome | null; last_rejected: ControlOutcome | null };
  readonly shadow?: () => { decisions_session: number; decisions_total: number; last_decision_at: string | null };
  readonly capitalPreservation?: () => string;
  /** The champion and challengers in force (production state), else the config's. */
  readonly strategies?: () => { champion: string; challengers: string[] };
  /** Live orders forbidden (file or LIVE_KILL_SWITCH); paper trading is not blocked by it. */
  readonly killSwitch?: () => boolean;
  tradingState(): State;
  lastCandleProcessedAt(): number | null;
}

export const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
export const round = (value: number, digits = 8): number => Number(value.toFixed(digits));

export function buildStatus(view: DaemonView): StatusDocument {
  const { config, clock, engine, broker, risk, flags, feed } = view;
  const now = clock.now();
  const state = view.tradingState();
  const alive = state !== TradingState.STOPPED && state !== TradingState.EMERGENCY_STOPPED;
  const health = feed.health();
  const equity = broker.equity();
  const blockers = engine.blockers();
  // A final status names why it stopped first, once (the emergency stop is also one of the gate's flags).
  const stop = state === TradingState.EMERGENCY_STOPPED ? 'emergency_stop' : 'stopped';
  const reasons: string[] = alive ? blockers : [stop, ...blockers.filter((r) => r !== stop)];
  const positions = broker.openPositions();
  const signal = engine.lastSignal;
  const shadow = view.shadow?.() ?? { decisions_session: 0, decisions_total: 0, last_decision_at: null };
  return {
    ...statusHeader({ config, now, startedAt: view.startedAt, version: view.version, marketTime: engine.marketTime, state, alive }),
    feed: {
      source: feed.source === 'replay' ? 'replay' : `ccxt:${config.feed.exchange}`,
      healthy: health.healthy,
      last_tick_at: iso(health.lastTickAt),
      stale_symbols: [...health.staleSymbols],
      ended: health.ended,
    },
    account: {
      currency: config.account.currency,
      balance: round(broker.cash),
      available: round(broker.available),
      equity: round(equity),
      daily_pnl: round(engine.dailyPnl()),
      open_positions: positions.length,
      daily_trades: engine.tradesToday,
    },
    risk: {
      can_trade: alive && reasons.length === 0,
      reasons,
      risk_multiplier: risk.risk_multiplier,
      risk_per_trade_pct: risk.risk_per_trade_pct,
      portfolio_heat_pct: equity > 0 ? round((broker.riskAtStops() / equity) * 100, 4) : 0,
      max_portfolio_heat_pct: risk.max_portfolio_heat_pct,
      max_open_positions: risk.max_open_positions,
      consecutive_losses: engine.lossStreak,
      daily_loss_remaining: round(engine.dailyLossRemaining(), 2),
      capital_preservation: view.capitalPreservation?.() ?? 'NORMAL',
      kill_switch: flags.killSwitch || (view.killSwitch?.() ?? false),
      emergency_stop: flags.emergencyStop,
      paused: flags.paused,
    },
    active_positions: positions.map(positionView),
    pending_orders: broker.pendingOrders().map(pendingView),
    last_signal: signal
      ? {
          time: new Date(signal.market_time).toISOString(),
          symbol: signal.symbol,
          strategy: signal.strategy,
          direction: signal.direction,
          score: round(signal.score, 4),
          executed: signal.executed,
          reason: signal.executed ? null : (signal.gate.reasons[0] ?? null),
        }
      : null,
    strategies: view.strategies?.() ?? { champion: config.strategies.champion, challengers: [...config.strategies.challengers] },
    shadow,
    control: view.control?.() ?? { last_applied: null, last_rejected: null },
    errors: [...view.errors],
  };
}

/** The fields status.json opens with: when, which process, which state. */
export function statusHeader(args: { config: Readonly<Config>; now: number; startedAt: number; version: string; marketTime: number | null; state: State; alive: boolean }) {
  const { config, now, startedAt } = args;
  return {
    schema_version: 1 as const,
    timestamp: new Date(now).toISOString(),
    next_update: new Date(now + config.status_interval_s * 1000).toISOString(),
    market_time: iso(args.marketTime),
    is_alive: args.alive,
    pid: process.pid,
    started_at: new Date(startedAt).toISOString(),
    uptime_s: Math.round((now - startedAt) / 1000),
    mode: 'paper' as const,
    version: args.version,
    trading_state: args.state,
  };
}

/** A position as status.json shows it. */
export function positionView(p: Position): StatusDocument['active_positions'][number] {
  return {
    symbol: p.symbol,
    side: p.side,
    quantity: p.quantity,
    entry: p.entry,
    mark: p.mark,
    unrealized_pnl: round((p.mark - p.entry) * p.quantity - p.entryFee),
    stop: p.stop,
    target: p.target,
    trailing_stop: p.trailingStop,
    strategy: p.strategy,
    opened_at: new Date(p.openedAt).toISOString(),
  };
}

/** A waiting order as status.json shows it. */
export function pendingView(o: PendingOrder): StatusDocument['pending_orders'][number] {
  return { id: o.id, symbol: o.symbol, side: o.side, quantity: o.quantity, strategy: o.strategy, created_at: new Date(o.createdAt).toISOString() };
}

export function buildHeartbeat(view: DaemonView, status: 'alive' | 'stopped'): HeartbeatDocument {
  const now = view.clock.now();
  const shadow = view.shadow?.() ?? { decisions_session: 0, decisions_total: 0, last_decision_at: null };
  return {
    timestamp: new Date(now).toISOString(),
    pid: process.pid,
    status,
    trading_state: view.tradingState(),
    uptime_s: Math.round((now - view.startedAt) / 1000),
    total_decisions_session: shadow.decisions_session,
    total_decisions_all_time: shadow.decisions_total,
    last_decision_at: shadow.last_decision_at,
    last_candle_at: iso(view.engine.marketTime),
    last_candle_processed_at: iso(view.lastCandleProcessedAt()),
    feed_healthy: status === 'alive' && view.feed.health().healthy,
    version: view.version,
    interval_s: view.config.heartbeat_interval_s,
  };
}
