import { BALANCE_KEY } from '../broker/paper-broker.js';
import type { Config } from '../config/schema.js';
import { dailyLossRemainingOf, DAY_KEY, lossStreakOf, MARKET_TIME_KEY } from '../engine/engine.js';
import { equityOf, riskAtStopsOf } from '../model/paper-accounting.js';
import { roundCash } from '../model/market.js';
import { deriveTradingState, TradingState } from '../model/trading-state.js';
import { SqliteSafetyStore } from '../persistence/sqlite-safety-store.js';
import { SqliteShadowStore } from '../persistence/sqlite-shadow-store.js';
import type { WallClock } from '../ports/clock.js';
import { STARTING_BALANCE_KEY, type Ledger } from '../ports/ledger.js';
import type { HeartbeatDocument, StatusDocument } from '../monitoring/status-document.js';
import { CapitalPreservation } from '../risk/capital-preservation/capital-preservation.js';
import { preservationSettings } from '../risk/capital-preservation/preservation-settings.js';
import type { RiskSettings } from '../risk/risk-settings.js';
import { accountBlockers } from '../risk/trade-gate.js';
import type { SqliteLedger } from '../persistence/sqlite-ledger.js';
import { iso, pendingView, positionView, round, statusHeader } from './status-snapshot.js';
import { RISK_OVERRIDES_KEY } from './trading-kernel.js';

/** The blocking reason while the exchange's markets are not loaded yet (an exchange down at start keeps the daemon there). */
export const MARKETS_LOADING = 'markets_loading';

/** What status.json says before the markets are loaded: the ledger's books, nothing traded yet. */
export interface StartingView {
  readonly config: Readonly<Config>;
  readonly clock: WallClock;
  readonly startedAt: number;
  readonly version: string;
  readonly ledger: Ledger;
  readonly feedSource: string;
  /** The final state when the daemon stops before the markets loaded; null while it waits. */
  readonly finalState: () => TradingState | null;
  readonly paused: () => boolean;
  /** The champion and challengers in force (production state), else the config's. */
  readonly strategies: () => { champion: string; challengers: string[] };
  readonly errors: ReadonlyArray<{ time: string; message: string }>;
  /** What the ledger restores of the losing streak, capital preservation and the shadow side (`readRestored`). */
  readonly restored: RestoredState;
  /** The live kill switch (its file or the environment), which an operator may set at any time. */
  readonly killSwitch: () => boolean;
}

/** What the engine, capital preservation and the shadow runner will restore from the ledger; read once, as nothing changes it before the markets load. */
export interface RestoredState {
  readonly consecutiveLosses: number;
  readonly preservation: { readonly level: string; readonly blocksEntries: boolean; readonly halts: boolean };
  readonly shadow: { readonly decisions_total: number; readonly last_decision_at: string | null };
}

/** Reads the restored state the way the daemon's parts restore it once the markets are loaded. */
export function readRestored(ledger: SqliteLedger, config: Readonly<Config>): RestoredState {
  const preservation = new CapitalPreservation({ store: new SqliteSafetyStore(ledger.database), settings: preservationSettings(config.risk.capital_preservation) });
  const counters = new SqliteShadowStore(ledger.database).loadCounters();
  return {
    consecutiveLosses: lossStreakOf(ledger.allTrades()),
    preservation: { level: preservation.level, blocksEntries: preservation.blocksEntries, halts: preservation.halts },
    shadow: { decisions_total: counters.decisionsTotal, last_decision_at: counters.lastDecisionAt },
  };
}

const DAY_MS = 86_400_000;

/** The mode while the markets load: the final state once stopping, else HALTED (capital preservation), PAUSED or ACTIVE. */
function stateOf(view: StartingView, paused: boolean): { state: TradingState; final: TradingState | null } {
  const final = view.finalState();
  return { state: final ?? deriveTradingState({ emergencyStopped: false, stopped: false, halted: view.restored.preservation.halts, paused }), final };
}

/**
 * status.json while the markets load: alive, nothing can trade (`markets_loading`), the account
 * and positions as the ledger holds them, marks as last recorded. Keys are the full document's.
 */
export function buildStartingStatus(view: StartingView): StatusDocument {
  const { config, clock, ledger } = view;
  const now = clock.now();
  const paused = view.paused();
  const { state, final } = stateOf(view, paused);
  const alive = final === null;
  const positions = ledger.loadPositions();
  const pending = ledger.loadPendingOrders();
  const balance = ledger.getSetting<number>(BALANCE_KEY) ?? ledger.getSetting<number>(STARTING_BALANCE_KEY) ?? config.account.starting_balance;
  const reserved = pending.reduce((sum, o) => sum + o.reserved, 0);
  const equity = equityOf(balance, positions);
  const marketTime = ledger.getSetting<number>(MARKET_TIME_KEY) ?? null;
  // The engine's day as it will restore it.
  const today = ledger.getSetting<{ day: string; startEquity: number }>(DAY_KEY) ?? null;
  const dailyPnl = today ? roundCash(equity - today.startEquity) : 0;
  const dayStart = today ? Date.parse(`${today.day}T00:00:00.000Z`) : null;
  // ADJUST_RISK's overrides, as the ledger keeps them across restarts.
  const risk = { risk_multiplier: 1, ...config.risk, ...ledger.getSetting<Partial<RiskSettings>>(RISK_OVERRIDES_KEY) };
  const dailyLossRemaining = dailyLossRemainingOf(today?.startEquity ?? equity, dailyPnl, risk.daily_loss_limit_pct);
  const { restored } = view;
  // What will block entries once the markets are loaded, as the gate words it, then the wait itself.
  const blockers: string[] = accountBlockers(
    { killSwitch: false, emergencyStop: false, paused, halted: false, capitalPreservationBlocked: restored.preservation.blocksEntries, persistenceFailure: false, feedStale: false, warmingUp: false, dailyLossLimitHit: dailyLossRemaining <= 0 },
    risk,
  );
  const reasons = alive ? [...blockers, MARKETS_LOADING] : [final === TradingState.EMERGENCY_STOPPED ? 'emergency_stop' : 'stopped', ...blockers, MARKETS_LOADING];
  return {
    ...statusHeader({ config, now, startedAt: view.startedAt, version: view.version, marketTime, state, alive }),
    feed: {
      source: view.feedSource === 'replay' ? 'replay' : `ccxt:${config.feed.exchange}`,
      healthy: false,
      last_tick_at: null,
      stale_symbols: [...config.feed.symbols],
      ended: false,
    },
    account: {
      currency: config.account.currency,
      balance: round(balance),
      available: round(roundCash(balance - reserved)),
      equity: round(equity),
      daily_pnl: round(dailyPnl),
      open_positions: positions.length,
      daily_trades: dayStart === null ? 0 : ledger.tradesClosedBetween(iso(dayStart)!, iso(dayStart + DAY_MS)!).length,
    },
    risk: {
      can_trade: false,
      reasons,
      risk_multiplier: risk.risk_multiplier,
      risk_per_trade_pct: risk.risk_per_trade_pct,
      portfolio_heat_pct: equity > 0 ? round((riskAtStopsOf(positions, pending) / equity) * 100, 4) : 0,
      max_portfolio_heat_pct: risk.max_portfolio_heat_pct,
      max_open_positions: risk.max_open_positions,
      consecutive_losses: restored.consecutiveLosses,
      daily_loss_remaining: round(dailyLossRemaining, 2),
      capital_preservation: restored.preservation.level,
      kill_switch: view.killSwitch(),
      emergency_stop: final === TradingState.EMERGENCY_STOPPED,
      paused,
    },
    active_positions: positions.map(positionView),
    pending_orders: pending.map(pendingView),
    last_signal: null,
    strategies: view.strategies(),
    shadow: { decisions_session: 0, ...restored.shadow },
    control: { last_applied: null, last_rejected: null },
    errors: [...view.errors],
  };
}

/** The heartbeat while the markets load: alive, not trading (no candle processed, feed unhealthy). */
export function buildStartingHeartbeat(view: StartingView, status: 'alive' | 'stopped'): HeartbeatDocument {
  const now = view.clock.now();
  const marketTime = view.ledger.getSetting<number>(MARKET_TIME_KEY) ?? null;
  return {
    timestamp: new Date(now).toISOString(),
    pid: process.pid,
    status,
    trading_state: stateOf(view, view.paused()).state,
    uptime_s: Math.round((now - view.startedAt) / 1000),
    total_decisions_session: 0,
    total_decisions_all_time: view.restored.shadow.decisions_total,
    last_decision_at: view.restored.shadow.last_decision_at,
    last_candle_at: iso(marketTime),
    last_candle_processed_at: null,
    feed_healthy: false,
    version: view.version,
    interval_s: view.config.heartbeat_interval_s,
  };
}
