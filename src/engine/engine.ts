import type { PaperBroker, BrokerEvent } from '../broker/paper-broker.js';
import type { Candle } from '../model/candle.js';
import { roundCash } from '../model/market.js';
import type { ExitReason, TradeRecord } from '../model/position.js';
import type { Signal } from '../model/signal.js';
import type { Ledger } from '../ports/ledger.js';
import type { CandleBatch } from '../ports/market-feed.js';
import { DEFAULT_GATE_SETTINGS, entryRulesFor, type EntryRules, type GateSettings } from '../risk/gate-settings.js';
import { GateStats, type GateDayStats } from '../risk/gate-stats.js';
import { accountBlockers, judgeEntry, type GateAccount, type GateFlags } from '../risk/trade-gate.js';
import type { RiskSettings } from '../risk/risk-settings.js';
import { TurnoverBook } from '../risk/turnover-book.js';
import type { Strategy, StrategyContext } from '../strategies/strategy.js';
import { utcDay, utcDayStart } from './market-day.js';

/** A signal with the gate's verdict: one line of logs/signals.jsonl. */
export interface SignalRecord extends Signal {
  readonly executed: boolean;
  readonly gate: { readonly allowed: boolean; readonly reasons: readonly string[] };
  readonly quantity: number;
}

export interface EngineListener {
  onSignal(record: SignalRecord): void;
  onTrade(trade: TradeRecord): void;
  /** A position opened, closed or had its stop moved. */
  onPositionChange(): void;
  onStrategyError(strategy: string, error: unknown): void;
  /** The market day moved on (`YYYY-MM-DD`): by a candle, or by a live mark or a flatten that ran ahead of the candles. */
  onDayChange?(day: string): void;
}

/** Operator and daemon conditions that block entries; mutated by the control service. */
export interface ControlFlags {
  paused: boolean;
  halted: boolean;
  emergencyStop: boolean;
  killSwitch: boolean;
  capitalPreservationBlocked: boolean;
  persistenceFailure: boolean;
}

export interface FeedView {
  isHealthy(): boolean;
  isStale(symbol: string): boolean;
}

export interface EngineOptions {
  readonly champion: Strategy;
  readonly broker: PaperBroker;
  readonly ledger: Ledger;
  readonly risk: RiskSettings;
  readonly flags: ControlFlags;
  readonly feed: FeedView;
  readonly symbols: readonly string[];
  readonly timeframeMs: number;
  readonly costEstimatePct: number;
  readonly listener: EngineListener;
  /** The gate's entry rules, env overrides applied (`applyTurnoverOverrides`); built-in defaults when absent. */
  readonly gate?: GateSettings;
  /** A factor on the operator's risk multiplier (capital preservation); 1 when absent. */
  readonly riskFactor?: () => number;
}

export const MARKET_TIME_KEY = 'engine.last_market_time';
export const DAY_KEY = 'engine.day';
const DAY_MS = 86_400_000;

/**
 * The one trading loop that replay, backtest and live share: candles in, then fills and stops,
 * then the champion's signals through the gate to the broker. It runs on market time only.
 */
export class Engine {
  private marketTimeMs: number | null;
  private day: { day: string; startEquity: number } | null;
  private dailyTrades = 0;
  /** Start of the market day of `day`, to test a candle's day without formatting a date. */
  private dayStartMs = -Infinity;
  private consecutiveLosses = 0;
  private lastSignalRecord: SignalRecord | null = null;
  private readonly context: StrategyContext;
  private readonly turnover: TurnoverBook;
  private readonly gateSettings: GateSettings;
  private readonly rulesBySymbol = new Map<string, EntryRules>();
  /** The gate's decisions per UTC market day, for status and the daily report. */
  readonly gateStats: GateStats;

  private championStrategy: Strategy;

  constructor(private readonly options: EngineOptions) {
    this.championStrategy = options.champion;
    const { ledger, broker } = options;
    this.marketTimeMs = ledger.getSetting<number>(MARKET_TIME_KEY) ?? null;
    this.day = ledger.getSetting<{ day: string; startEquity: number }>(DAY_KEY) ?? null;
    // The recorded day is where a restart starts from: the candles it resumes with may be from the day before (a mark ran ahead).
    if (this.day) this.dayStartMs = Date.parse(`${this.day.day}T00:00:00.000Z`);
    const trades = ledger.allTrades();
    this.consecutiveLosses = lossStreakOf(trades);
    if (this.day) this.dailyTrades = trades.filter((t) => t.closed_at.slice(0, 10) === this.day?.day).length;
    this.turnover = TurnoverBook.fromLedger(trades, broker.openPositions());
    this.gateSettings = options.gate ?? DEFAULT_GATE_SETTINGS;
    this.gateStats = new GateStats(ledger);
    this.context = {
      hasPosition: (symbol) => broker.position(symbol) !== undefined || broker.hasPendingOrder(symbol),
      costEstimatePct: options.costEstimatePct,
    };
  }

  get marketTime(): number | null {
    return this.marketTimeMs;
  }

  get lastSignal(): SignalRecord | null {
    return this.lastSignalRecord;
  }

  /** Called for every batch, warm-up included; returns true when something worth a status write happened. */
  processBatch(batch: CandleBatch): void {
    if (batch.warmup) {
      for (const candle of batch.candles) this.runStrategy(candle, false);
      return;
    }
    let changed = false;
    this.rollDay(batch.ts);
    const { broker } = this.options;
    // Fills from the live book happen at the candles' close, after what the candles' ranges did:
    // those come first, then the day rolls if the close is in the next one, as the fills' times say.
    let atClose: Candle[] | null = null;
    for (const candle of batch.candles) {
      if (broker.fillTimeOf(candle) > candle.ts) (atClose ??= []).push(candle);
      else changed = this.applyBrokerEvents(broker.onCandle(candle)) || changed;
    }
    if (atClose) {
      for (const candle of atClose) {
        this.rollDay(broker.fillTimeOf(candle));
        changed = this.applyBrokerEvents(broker.onCandle(candle)) || changed;
      }
    }
    for (const candle of batch.candles) changed = this.runStrategy(candle, true) || changed;
    this.marketTimeMs = batch.ts;
    // Only when the books changed: the market time is persisted with what it caused.
    if (changed) this.persistMarketTime();
  }

  get champion(): Strategy {
    return this.championStrategy;
  }

  /**
   * A new champion from the next candle on (a promotion). The newcomer must have warmed up on
   * the same candles (the shadow book ran it); open positions stay and are managed as before.
   */
  setChampion(strategy: Strategy): void {
    this.championStrategy = strategy;
  }

  private effectiveRisk(risk: RiskSettings): RiskSettings {
    const factor = this.options.riskFactor?.() ?? 1;
    return factor === 1 ? risk : { ...risk, risk_multiplier: risk.risk_multiplier * factor };
  }

  /** A live price between candles (ccxt ticker): stops, targets and trailing act on it. */
  onMark(symbol: string, price: number, at: number): void {
    this.rollDay(at); // a close after midnight counts toward the new day, as its closed_at says
    if (this.applyBrokerEvents(this.options.broker.onMark(symbol, price, at))) this.persistMarketTime();
  }

  /** Closes every position now (FLATTEN, EMERGENCY_STOP, CRISIS). */
  flatten(reason: ExitReason): TradeRecord[] {
    const at = this.marketTimeMs === null ? 0 : this.marketTimeMs + this.options.timeframeMs;
    if (this.marketTimeMs !== null) this.rollDay(at);
    const events = this.options.broker.closeAll(reason, at);
    this.applyBrokerEvents(events);
    return events.flatMap((e) => (e.kind === 'closed' ? [e.trade] : []));
  }

  /** The checkpoint: market time processed, with the broker's quiet position changes and the gate's counts, in one transaction. */
  persistMarketTime(): void {
    this.options.ledger.transaction(() => this.writeCheckpoint());
  }

  private writeCheckpoint(): void {
    if (this.marketTimeMs !== null) this.options.ledger.setSetting(MARKET_TIME_KEY, this.marketTimeMs);
    this.options.broker.checkpoint();
    this.gateStats.flush();
  }

  /** The gate's counts for the current UTC market day; null before any market data. */
  gateStatsToday(): GateDayStats | null {
    return this.marketTimeMs === null ? null : this.gateStats.forDay(utcDay(this.marketTimeMs));
  }

  /** The entry rules in force (config with the environment's turnover overrides). */
  get gate(): GateSettings {
    return this.gateSettings;
  }

  gateFlags(): GateFlags {
    const { flags, feed, symbols } = this.options;
    const champion = this.championStrategy;
    return {
      emergencyStop: flags.emergencyStop,
      killSwitch: flags.killSwitch,
      paused: flags.paused,
      halted: flags.halted,
      capitalPreservationBlocked: flags.capitalPreservationBlocked,
      persistenceFailure: flags.persistenceFailure,
      feedStale: !feed.isHealthy(),
      warmingUp: symbols.some((s) => !champion.isWarm(s)),
      dailyLossLimitHit: this.dailyLossRemaining() <= 0,
    };
  }

  blockers(): string[] {
    return accountBlockers(this.gateFlags(), this.options.risk);
  }

  dailyPnl(): number {
    return this.day ? roundCash(this.options.broker.equity() - this.day.startEquity) : 0;
  }

  dailyLossRemaining(): number {
    return dailyLossRemainingOf(this.day?.startEquity ?? this.options.broker.equity(), this.dailyPnl(), this.options.risk.daily_loss_limit_pct);
  }

  get tradesToday(): number {
    return this.dailyTrades;
  }

  get lossStreak(): number {
    return this.consecutiveLosses;
  }

  private runStrategy(candle: Candle, trading: boolean): boolean {
    const { listener } = this.options;
    const champion = this.championStrategy;
    let signals: readonly Signal[];
    try {
      signals = champion.onCandle(candle, this.context);
    } catch (error) {
      listener.onStrategyError(champion.id, error);
      return false;
    }
    if (!trading || signals.length === 0) return false;
    let submitted = false;
    for (const signal of signals) submitted = this.handleSignal(signal) || submitted;
    return submitted;
  }

  /** Returns true when an order was placed. */
  private handleSignal(signal: Signal): boolean {
    const { broker, risk, listener } = this.options;
    let record: SignalRecord;
    if (signal.direction === 'exit') {
      const result = broker.submitExit(signal.symbol, signal.strategy, signal.reason, signal.market_time);
      record = signalRecord(signal, result.ok, result.ok ? [] : [result.reason], broker.position(signal.symbol)?.quantity ?? 0);
    } else {
      const verdict = judgeEntry({
        signal,
        flags: this.gateFlags(),
        risk: this.effectiveRisk(risk),
        rules: this.rulesFor(signal.symbol),
        turnover: this.turnover.state(signal.symbol),
        account: this.gateAccount(),
        market: broker.market(signal.symbol),
        // The decision is taken at the close of the signal's candle, when its order would fill.
        now: signal.market_time + this.options.timeframeMs,
      });
      let executed = false;
      let reasons: readonly string[] = verdict.reasons;
      if (verdict.allowed) {
        const stopDistance = signal.price - (signal.stop ?? signal.price);
        const result = broker.submitEntry({
          symbol: signal.symbol,
          quantity: verdict.quantity,
          referencePrice: signal.price,
          stopDistance,
          targetDistance: signal.target == null ? null : signal.target - signal.price,
          trailing: signal.trailing ?? null,
          strategy: signal.strategy,
          reason: signal.reason,
          at: signal.market_time,
        });
        executed = result.ok;
        if (!result.ok) reasons = [result.reason];
      }
      record = signalRecord(signal, executed, reasons, executed ? verdict.quantity : 0);
      this.gateStats.record(this.day?.day ?? utcDay(signal.market_time), executed ? null : (reasons[0] ?? null));
    }
    this.lastSignalRecord = record;
    listener.onSignal(record);
    return record.executed;
  }

  /** The symbol's entry rules; the settings never change after construction, so they are merged once. */
  private rulesFor(symbol: string): EntryRules {
    let rules = this.rulesBySymbol.get(symbol);
    if (!rules) {
      rules = entryRulesFor(this.gateSettings, symbol);
      this.rulesBySymbol.set(symbol, rules);
    }
    return rules;
  }

  private gateAccount(): GateAccount {
    const { broker, feed } = this.options;
    return {
      equity: broker.equity(),
      available: broker.available,
      openPositions: broker.openPositions().length + broker.pendingOrders().filter((o) => o.side === 'buy').length,
      riskAtStops: broker.riskAtStops(),
      hasPosition: (symbol) => broker.position(symbol) !== undefined,
      hasPendingOrder: (symbol) => broker.hasPendingOrder(symbol),
      isStale: (symbol) => feed.isStale(symbol),
      costOfBuy: (symbol, quantity, price) => broker.costOfBuy(symbol, quantity, price),
    };
  }

  private applyBrokerEvents(events: readonly BrokerEvent[]): boolean {
    if (events.length === 0) return false;
    for (const event of events) {
      if (event.kind === 'opened') this.turnover.recordEntry(event.position.symbol, event.position.openedAt);
      if (event.kind === 'closed') {
        this.turnover.recordExit(event.trade);
        // By its closing day, as a restart counts it: an old day's late candle (after a mark moved the day on) is not today's.
        if (event.trade.closed_at.slice(0, 10) === this.day?.day) this.dailyTrades++;
        this.countLossStreak(event.trade);
        this.options.listener.onTrade(event.trade);
      }
    }
    this.options.listener.onPositionChange();
    return true;
  }

  private countLossStreak(trade: TradeRecord): void {
    this.consecutiveLosses = lossStreakAfter(this.consecutiveLosses, trade);
  }

  /** Moves to the market day of `ts`; never back (a mark or a flatten may run a candle ahead of the batches). */
  private rollDay(ts: number): void {
    if (ts < this.dayStartMs + DAY_MS) return; // this day, or an earlier one
    const day = utcDay(ts);
    this.dayStartMs = utcDayStart(ts);
    if (this.day?.day === day) return;
    const equity = this.options.broker.equity();
    const { ledger, broker } = this.options;
    // A new day is a checkpoint too: the old day's gate counts are stored with the market time
    // they count up to, so that a restart re-feeds (and counts) only the candles after it.
    ledger.transaction(() => {
      if (this.day) ledger.recordDailyEquity(this.day.day, equity, broker.cash);
      ledger.setSetting(DAY_KEY, { day, startEquity: equity });
      this.writeCheckpoint();
    });
    this.day = { day, startEquity: equity };
    this.dailyTrades = 0;
    this.options.listener.onDayChange?.(day);
  }
}

/** Losing trades in a row at the end of `trades` (in closing order): the gate's cooldown and capital preservation count them. */
export function lossStreakOf(trades: readonly TradeRecord[]): number {
  return trades.reduce(lossStreakAfter, 0);
}

/** The losing streak once `trade` has closed: one longer for a loss, over for anything else. */
function lossStreakAfter(streak: number, trade: TradeRecord): number {
  return trade.net_pnl < 0 ? streak + 1 : 0;
}

/** What the day may still lose before the daily loss limit: `limitPct` of the day's starting equity, less today's loss so far. */
export function dailyLossRemainingOf(startEquity: number, dailyPnl: number, limitPct: number): number {
  return roundCash(startEquity * (limitPct / 100) + dailyPnl);
}

/** Field by field, not `{ ...signal, more }`: see `signal()` in model/signal.ts for why. */
function signalRecord(s: Signal, executed: boolean, reasons: readonly string[], quantity: number): SignalRecord {
  return {
    strategy: s.strategy,
    symbol: s.symbol,
    direction: s.direction,
    score: s.score,
    threshold: s.threshold,
    confidence: s.confidence,
    expected_value_pct: s.expected_value_pct,
    cost_estimate_pct: s.cost_estimate_pct,
    reason: s.reason,
    market_time: s.market_time,
    price: s.price,
    stop: s.stop,
    target: s.target,
    trailing: s.trailing,
    executed,
    gate: { allowed: executed, reasons },
    quantity,
  };
}
