import type { Candle } from '../model/candle.js';
import { roundCash, type MarketSpec } from '../model/market.js';
import type { TradeRecord } from '../model/position.js';
import type { Signal } from '../model/signal.js';
import type { ShadowDailyEquity, ShadowStore } from '../ports/shadow-store.js';
import { entryRulesFor, type GateSettings } from '../risk/gate-settings.js';
import type { RiskSettings } from '../risk/risk-settings.js';
import { judgeEntry, type GateAccount, type GateFlags } from '../risk/trade-gate.js';
import { TurnoverBook } from '../risk/turnover-book.js';
import type { DecisionRole } from './decision-lines.js';
import { ShadowBook, type ShadowEvent } from './shadow-book.js';

const DAY_MS = 86_400_000;
/** Completed days kept in memory per book: a year and a bit, for daily returns and advisors. */
const DAYS_KEPT = 400;

/** The account-wide conditions the daemon imposes on every entry; each seat adds its own warm-up and daily loss. */
export type AccountFlags = Omit<GateFlags, 'warmingUp' | 'dailyLossLimitHit'>;

/** What judging an entry needs besides the seat's own book. */
export interface SeatRules {
  readonly flags: AccountFlags;
  readonly warmingUp: boolean;
  readonly risk: RiskSettings;
  readonly gate: GateSettings;
  readonly timeframeMs: number;
  isStale(symbol: string): boolean;
}

/** The verdict as a decision line writes it. */
export interface SeatVerdict {
  readonly allowed: boolean;
  readonly reasons: readonly string[];
}

/**
 * One participant of shadow collection (a challenger, an advisor, or the champion's mirror)
 * with what the engine keeps around the paper broker: its shadow book, its turnover, its UTC
 * market day and daily loss, and its completed days. Signals reach the book through
 * `act`, which judges them with the same `judgeEntry` the engine uses, against this book.
 */
export class ShadowSeat {
  readonly book: ShadowBook;
  private readonly turnover: TurnoverBook;
  private day: { day: string; startEquity: number } | null;
  private dayStartMs = -Infinity;
  private readonly days: ShadowDailyEquity[];
  private readonly unsavedTrades: TradeRecord[] = [];
  private readonly unsavedDays: ShadowDailyEquity[] = [];
  private tradeCount: number;
  private netPnl: number;

  constructor(
    readonly name: string,
    readonly role: DecisionRole,
    options: { readonly markets: ReadonlyMap<string, MarketSpec>; readonly slippageBps: number; readonly startingBalance: number },
    store: ShadowStore,
  ) {
    const state = store.loadBook(name);
    this.book = new ShadowBook(options, state);
    this.day = state?.day ?? null;
    const trades = store.trades(name);
    this.tradeCount = trades.length;
    this.netPnl = roundCash(trades.reduce((sum, t) => sum + t.net_pnl, 0));
    this.turnover = TurnoverBook.fromLedger(trades, this.book.openPositions());
    this.days = store.dailyEquity(name, DAYS_KEPT);
  }

  get trades(): number {
    return this.tradeCount;
  }

  get totalNetPnl(): number {
    return this.netPnl;
  }

  /** Completed UTC market days, oldest first (at most the last 400). */
  get completedDays(): readonly ShadowDailyEquity[] {
    return this.days;
  }

  /** The return of a completed day in percent (1.5 = +1.5 %), or null when the book did not live through it. */
  dailyReturnPct(day: string): number | null {
    const row = this.days.find((d) => d.day === day);
    return row && row.startEquity > 0 ? ((row.endEquity - row.startEquity) / row.startEquity) * 100 : null;
  }

  /** Closes the previous UTC market day at the current equity when `ts` starts a new one, as the engine does. */
  rollDay(ts: number): void {
    if (ts >= this.dayStartMs && ts < this.dayStartMs + DAY_MS) return;
    const day = new Date(ts).toISOString().slice(0, 10);
    this.dayStartMs = ts - (((ts % DAY_MS) + DAY_MS) % DAY_MS);
    if (this.day?.day === day) return;
    const equity = this.book.equity();
    if (this.day) {
      const row = { day: this.day.day, startEquity: this.day.startEquity, endEquity: equity };
      this.days.push(row);
      if (this.days.length > DAYS_KEPT) this.days.splice(0, this.days.length - DAYS_KEPT);
      this.unsavedDays.push(row);
    }
    this.day = { day, startEquity: equity };
  }

  dailyPnl(): number {
    return this.day ? roundCash(this.book.equity() - this.day.startEquity) : 0;
  }

  dailyLossRemaining(risk: RiskSettings): number {
    const start = this.day?.startEquity ?? this.book.equity();
    return roundCash(start * (risk.daily_loss_limit_pct / 100) + this.dailyPnl());
  }

  /** Plays one candle against the book and keeps turnover and trades up to date. */
  onCandle(candle: Candle): readonly ShadowEvent[] {
    const events = this.book.onCandle(candle);
    for (const event of events) {
      if (event.kind === 'opened') this.turnover.recordEntry(event.position.symbol, event.position.openedAt);
      if (event.kind === 'closed') {
        this.turnover.recordExit(event.trade);
        this.unsavedTrades.push(event.trade);
        this.tradeCount++;
        this.netPnl = roundCash(this.netPnl + event.trade.net_pnl);
      }
    }
    return events;
  }

  /**
   * Takes a signal as the engine takes the champion's: an entry is judged by the TradeGate
   * against this book and, when allowed, placed in it (fills at the next candle's open); an
   * exit is always allowed and placed. `label` is the strategy the position is booked under.
   */
  act(signal: Signal, rules: SeatRules, label: string): SeatVerdict {
    const { book } = this;
    if (signal.direction === 'exit') {
      const result = book.submitExit(signal.symbol, label, signal.reason, signal.market_time);
      return { allowed: result.ok, reasons: result.ok ? [] : [result.reason] };
    }
    const verdict = judgeEntry({
      signal,
      flags: { ...rules.flags, warmingUp: rules.warmingUp, dailyLossLimitHit: this.dailyLossRemaining(rules.risk) <= 0 },
      risk: rules.risk,
      rules: entryRulesFor(rules.gate, signal.symbol),
      turnover: this.turnover.state(signal.symbol),
      account: this.gateAccount(rules),
      market: book.market(signal.symbol),
      // The decision is taken at the close of the signal's candle, when its order would fill.
      now: signal.market_time + rules.timeframeMs,
    });
    if (!verdict.allowed) return { allowed: false, reasons: verdict.reasons };
    const result = book.submitEntry({
      symbol: signal.symbol,
      quantity: verdict.quantity,
      referencePrice: signal.price,
      stopDistance: signal.price - (signal.stop ?? signal.price),
      targetDistance: signal.target == null ? null : signal.target - signal.price,
      trailing: signal.trailing ?? null,
      strategy: label,
      reason: signal.reason,
      at: signal.market_time,
    });
    return result.ok ? { allowed: true, reasons: [] } : { allowed: false, reasons: [result.reason] };
  }

  /** Writes the book, its new trades and its completed days; call inside the store's transaction, then `saved` once it commits. */
  write(store: ShadowStore): void {
    store.saveBook(this.name, this.book.snapshot(this.day));
    for (const trade of this.unsavedTrades) store.insertTrade(this.name, trade);
    for (const row of this.unsavedDays) store.recordDailyEquity(this.name, row);
  }

  saved(): void {
    this.unsavedTrades.length = 0;
    this.unsavedDays.length = 0;
  }

  private gateAccount(rules: SeatRules): GateAccount {
    const { book } = this;
    return {
      equity: book.equity(),
      available: book.available,
      openPositions: book.openPositions().length + book.pendingOrders().filter((o) => o.side === 'buy').length,
      riskAtStops: book.riskAtStops(),
      hasPosition: (symbol) => book.position(symbol) !== undefined,
      hasPendingOrder: (symbol) => book.hasPendingOrder(symbol),
      isStale: (symbol) => rules.isStale(symbol),
      costOfBuy: (symbol, quantity, price) => book.costOfBuy(symbol, quantity, price),
    };
  }
}
