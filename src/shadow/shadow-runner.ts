import type { Candle } from '../model/candle.js';
import type { MarketSpec } from '../model/market.js';
import type { TradeRecord } from '../model/position.js';
import type { Signal } from '../model/signal.js';
import type { WallClock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { CandleBatch } from '../ports/market-feed.js';
import type { ShadowStore } from '../ports/shadow-store.js';
import { DEFAULT_GATE_SETTINGS, type GateSettings } from '../risk/gate-settings.js';
import type { RiskSettings } from '../risk/risk-settings.js';
import { createStrategy } from '../strategies/registry.js';
import type { Strategy, StrategyContext, StrategyParams } from '../strategies/strategy.js';
import type { Advisor, AdvisorSnapshot, DecisionView } from './advisor.js';
import { bookViewOf, decisionViewOf, isUsableRecommendation, signalOfRecommendation } from './advisor-views.js';
import { decisionId, DecisionRole, type DecisionLine, type ShadowLine } from './decision-lines.js';
import type { DecisionSink } from './decision-sink.js';
import { deepFreeze } from '../model/deep-freeze.js';
import { DEFAULT_HORIZONS_MS, OutcomeTracker } from './outcome-tracker.js';
import { ShadowSeat, type AccountFlags, type SeatRules, type SeatVerdict } from './shadow-seat.js';
import { StrategyWeights } from './strategy-weights.js';
import type { Weights } from './weight-clamp.js';

/** A strategy from the registry; `name` tells apart two runs of one strategy with different parameters. */
export interface StrategySpec {
  readonly id: string;
  readonly params?: StrategyParams;
  /** The book's and the decision lines' `strategy`; defaults to `id`. */
  readonly name?: string;
}

/** The champion's signal with the gate's and the broker's verdict (the engine's `SignalRecord` is one). */
export interface ChampionDecision extends Signal {
  readonly executed: boolean;
  readonly gate: { readonly allowed: boolean; readonly reasons: readonly string[] };
}

/** status.json `.shadow`; the heartbeat's `total_decisions_session`, `total_decisions_all_time` and `last_decision_at`. */
export interface ShadowCountersView {
  readonly decisions_session: number;
  readonly decisions_total: number;
  readonly last_decision_at: string | null;
}

export interface ShadowBookSummary {
  readonly name: string;
  readonly role: DecisionRole;
  readonly equity: number;
  readonly cash: number;
  readonly available: number;
  readonly open_positions: number;
  readonly pending_orders: number;
  readonly trades: number;
  readonly net_pnl: number;
  readonly daily_pnl: number;
}

export interface ShadowRunnerOptions {
  readonly challengers: readonly StrategySpec[];
  /**
   * The champion, mirrored in a shadow book of its own on the same rules as the challengers
   * (no decision lines: the champion's come from `recordChampion`). It is the champion's
   * evidence for the weighting advisor; the paper account stays the champion's record.
   */
  readonly champion?: StrategySpec;
  readonly advisors?: readonly Advisor[];
  readonly markets: ReadonlyMap<string, MarketSpec>;
  /** The traded symbols (`feed.symbols`): a strategy is warming up until it is warm on all. */
  readonly symbols: readonly string[];
  readonly timeframeMs: number;
  readonly slippageBps: number;
  readonly startingBalance: number;
  /** The engine's own RiskSettings object: ADJUST_RISK changes what the shadow gate says too. */
  readonly risk: RiskSettings;
  /** Capital preservation's factor on the risk multiplier, as the engine applies it to the champion's entries; 1 when absent. */
  readonly riskFactor?: () => number;
  readonly gate?: GateSettings;
  /** Round-trip cost estimate in percent handed to strategies; defaults to the trading kernel's formula. */
  readonly costEstimatePct?: number;
  readonly sink: DecisionSink;
  readonly store: ShadowStore;
  readonly clock: WallClock;
  readonly logger: Logger;
  /** data/rl/strategy_weights.json; null or absent keeps the weights in memory. */
  readonly weightsFile?: string | null;
  /** Outcome horizons in market ms; default 1 h, 4 h, 24 h. */
  readonly horizonsMs?: readonly number[];
  /** The market regime of a symbol at a market time; default `unknown`. */
  readonly regimeOf?: (symbol: string, marketTime: number) => string;
  /** The daemon's account-wide blockers (the engine's `gateFlags()` fits); default none. */
  readonly accountFlags?: () => AccountFlags;
  readonly isStale?: (symbol: string) => boolean;
  readonly onStrategyError?: (strategy: string, error: unknown) => void;
}

interface StrategySeat {
  readonly seat: ShadowSeat;
  readonly strategy: Strategy;
  readonly context: StrategyContext;
  /** Whether its decisions are logged (challengers) or only traded (the champion's mirror). */
  readonly logged: boolean;
}

interface AdvisorSeat {
  readonly seat: ShadowSeat;
  readonly advisor: Advisor;
}

const noFlags: AccountFlags = { killSwitch: false, emergencyStop: false, paused: false, halted: false, capitalPreservationBlocked: false, persistenceFailure: false, feedStale: false };

/**
 * Shadow collection (SPEC §7, reference 002): runs the challengers on the same candles as the
 * champion, each in a shadow book of its own; logs every decision of the champion, the
 * challengers and the advisors to data/rl/shadow_decisions.jsonl with what the TradeGate said
 * and, later, its outcome at fixed market-time horizons; lets advisors recommend and proposes
 * their weights through the 10 %-a-day clamp.
 *
 * It has no path to the broker: it holds no broker, engine or ledger (dependency-cruiser
 * forbids src/shadow → src/broker), and its decisions act only on its own shadow books.
 *
 * Durability: the books, trades, daily equity, pending outcomes, counters and market time
 * are one store transaction per batch that changed something, and at `checkpoint`. A batch's
 * lines are appended before that commit, so a crash in between repeats them after the
 * restart with the same deterministic ids (readers keep the first line per id); batches at or
 * before the stored market time only warm the strategies.
 */
export class ShadowRunner {
  private readonly strategySeats: StrategySeat[] = [];
  private readonly advisorSeats: AdvisorSeat[] = [];
  private readonly outcomes: OutcomeTracker;
  private readonly weightBook: StrategyWeights | null;
  private readonly gate: GateSettings;
  private readonly costEstimatePct: number;
  /** Market time the stored state had at construction: batches up to it were already processed. */
  private readonly resumeAfter: number | null;
  private marketTimeMs: number | null;
  private savedMarketTime: number | null;
  private decisionsSession = 0;
  private decisionsTotal: number;
  private lastDecisionAt: string | null;
  private dirty = false;
  /** Champion decisions since the last batch, for the advisors. */
  private championViews: DecisionView[] = [];

  constructor(private readonly options: ShadowRunnerOptions) {
    const { store, markets, slippageBps, startingBalance } = options;
    const bookOptions = { markets, slippageBps, startingBalance };
    this.gate = options.gate ?? DEFAULT_GATE_SETTINGS;
    this.costEstimatePct = options.costEstimatePct ?? defaultCostEstimatePct(markets, slippageBps);
    const specs: Array<{ spec: StrategySpec; role: DecisionRole }> = [
      ...(options.champion ? [{ spec: options.champion, role: DecisionRole.CHAMPION }] : []),
      ...options.challengers.map((spec) => ({ spec, role: DecisionRole.CHALLENGER })),
    ];
    const names = [...specs.map((s) => s.spec.name ?? s.spec.id), ...(options.advisors ?? []).map((a) => a.id)];
    const twice = names.filter((n, i) => names.indexOf(n) !== i);
    if (twice.length > 0) throw new RangeError(`shadow book names must be unique; give a second run of one strategy a name (twice: ${[...new Set(twice)].join(', ')})`);
    for (const { spec, role } of specs) {
      const seat = new ShadowSeat(spec.name ?? spec.id, role, bookOptions, store);
      const context: StrategyContext = {
        hasPosition: (symbol) => seat.book.position(symbol) !== undefined || seat.book.hasPendingOrder(symbol),
        costEstimatePct: this.costEstimatePct,
      };
      this.strategySeats.push({ seat, strategy: createStrategy(spec.id, spec.params ?? {}), context, logged: role === DecisionRole.CHALLENGER });
    }
    for (const advisor of options.advisors ?? []) this.advisorSeats.push({ advisor, seat: new ShadowSeat(advisor.id, DecisionRole.ADVISOR, bookOptions, store) });
    const weighted = specs.map((s) => s.spec.name ?? s.spec.id);
    this.weightBook =
      this.advisorSeats.length > 0 && weighted.length > 0
        ? new StrategyWeights({ file: options.weightsFile ?? null, strategies: weighted, clock: options.clock, logger: options.logger })
        : null;
    this.outcomes = new OutcomeTracker(options.horizonsMs ?? DEFAULT_HORIZONS_MS, store.pendingOutcomes());
    const counters = store.loadCounters();
    this.decisionsTotal = counters.decisionsTotal;
    this.lastDecisionAt = counters.lastDecisionAt;
    this.resumeAfter = store.loadMarketTime();
    this.marketTimeMs = this.resumeAfter;
    this.savedMarketTime = this.resumeAfter;
  }

  /** Candles per symbol the shadow strategies need before their signals mean anything. */
  get warmupCandles(): number {
    return Math.max(0, ...this.strategySeats.map((s) => s.strategy.warmupCandles));
  }

  get marketTime(): number | null {
    return this.marketTimeMs;
  }

  /** Outcomes still waiting for their candle: one per decision and horizon. */
  get pendingOutcomes(): number {
    return this.outcomes.size;
  }

  counters(): ShadowCountersView {
    return { decisions_session: this.decisionsSession, decisions_total: this.decisionsTotal, last_decision_at: this.lastDecisionAt };
  }

  /** The strategy weights in force (empty without advisors). */
  weights(): Weights {
    return this.weightBook?.weights ?? {};
  }

  /**
   * One batch of closed candles, after the engine processed it: day roll, fills and stops in
   * every book, outcomes that came due, the strategies' signals through the gate into their
   * books, then the advisors. Batches a previous run already stored only feed the strategies,
   * and so do warm-up batches, except those newer than the stored market time (a crash left
   * the shadow behind the engine): their candles still fill, stop and resolve, without
   * decisions.
   */
  onBatch(batch: CandleBatch): void {
    const stored = this.resumeAfter !== null && batch.ts <= this.resumeAfter;
    if (stored || (batch.warmup && this.resumeAfter === null)) {
      for (const candle of batch.candles) for (const s of this.strategySeats) this.signalsOf(s, candle);
      return;
    }
    const lines: ShadowLine[] = [];
    let changed = false;
    const seats = this.seats();
    for (const seat of seats) seat.rollDay(batch.ts);
    for (const candle of batch.candles) for (const seat of seats) changed = seat.onCandle(candle).length > 0 || changed;
    for (const candle of batch.candles) lines.push(...this.outcomes.resolve(candle));
    if (batch.warmup) {
      for (const candle of batch.candles) for (const s of this.strategySeats) this.signalsOf(s, candle);
    } else {
      const decisions: DecisionView[] = this.championViews;
      this.championViews = [];
      for (const candle of batch.candles) changed = this.decide(candle, lines, decisions) || changed;
      if (this.advisorSeats.length > 0) changed = this.consultAdvisors(batch.ts, decisions, lines) || changed;
    }
    this.marketTimeMs = batch.ts;
    for (const line of lines) this.options.sink.append(line);
    if (changed || lines.length > 0 || this.dirty) this.commit();
  }

  /**
   * The champion's signal as the engine judged it (call from the engine's `onSignal`, before
   * `onBatch` for the same batch): a `role: "champion"` line with the real gate's verdict and
   * `executed`, followed by outcomes like any other.
   */
  recordChampion(record: ChampionDecision, regime?: string): void {
    if (this.resumeAfter !== null && record.market_time <= this.resumeAfter) return;
    const line = this.decisionLine(DecisionRole.CHAMPION, record.strategy, record, record.gate, record.executed, regime);
    this.options.sink.append(line);
    this.championViews.push(decisionViewOf(line, record));
    this.dirty = true;
  }

  /** Writes what changed quietly (marks, high-water marks, market time); call with the engine's checkpoint. */
  checkpoint(): void {
    if (this.dirty || this.marketTimeMs !== this.savedMarketTime) this.commit();
  }

  /** Each book's return over a completed UTC market day, in percent (1.5 = +1.5 %); null when the book did not live through it. */
  dailyReturns(day: string): Record<string, number | null> {
    return Object.fromEntries(this.seats().map((seat) => [seat.name, seat.dailyReturnPct(day)]));
  }

  books(): ShadowBookSummary[] {
    return this.seats().map((seat) => ({
      name: seat.name,
      role: seat.role,
      equity: seat.book.equity(),
      cash: seat.book.cash,
      available: seat.book.available,
      open_positions: seat.book.openPositions().length,
      pending_orders: seat.book.pendingOrders().length,
      trades: seat.trades,
      net_pnl: seat.totalNetPnl,
      daily_pnl: seat.dailyPnl(),
    }));
  }

  /** A book's closed trades, in the all_trades.jsonl format (for metrics and promotion). */
  trades(name: string): TradeRecord[] {
    return this.options.store.trades(name);
  }

  private seats(): ShadowSeat[] {
    return [...this.strategySeats.map((s) => s.seat), ...this.advisorSeats.map((a) => a.seat)];
  }

  /** The strategies' signals on one candle, each judged and placed in its own book; challengers' are logged. */
  private decide(candle: Candle, lines: ShadowLine[], decisions: DecisionView[]): boolean {
    let acted = false;
    for (const s of this.strategySeats) {
      for (const signal of this.signalsOf(s, candle)) {
        const verdict = s.seat.act({ ...signal, strategy: s.seat.name }, this.rules(this.isWarming(s.strategy)), s.seat.name);
        acted = true;
        if (!s.logged) continue;
        const line = this.decisionLine(DecisionRole.CHALLENGER, s.seat.name, signal, verdict, false);
        lines.push(line);
        decisions.push(decisionViewOf(line, signal));
      }
    }
    return acted;
  }

  private signalsOf(s: StrategySeat, candle: Candle): readonly Signal[] {
    try {
      return s.strategy.onCandle(candle, s.context);
    } catch (error) {
      (this.options.onStrategyError ?? ((id, e) => this.options.logger.error({ err: e, strategy: id }, `shadow strategy ${id} failed`)))(s.seat.name, error);
      return [];
    }
  }

  private isWarming(strategy: Strategy): boolean {
    return this.options.symbols.some((symbol) => !strategy.isWarm(symbol));
  }

  private rules(warmingUp: boolean): SeatRules {
    const { risk } = this.options;
    const factor = this.options.riskFactor?.() ?? 1;
    return {
      flags: this.options.accountFlags?.() ?? noFlags,
      warmingUp,
      risk: factor === 1 ? risk : { ...risk, risk_multiplier: risk.risk_multiplier * factor },
      gate: this.gate,
      timeframeMs: this.options.timeframeMs,
      isStale: (symbol) => this.options.isStale?.(symbol) ?? false,
    };
  }

  /** Asks every advisor; returns true when an advisor's book or the weights changed. */
  private consultAdvisors(ts: number, decisions: readonly DecisionView[], lines: ShadowLine[]): boolean {
    const weightBook = this.weightBook;
    let changed = false;
    for (const { advisor, seat } of this.advisorSeats) {
      const snapshot = this.snapshot(ts, decisions);
      let advice;
      try {
        advice = advisor.advise(snapshot);
      } catch (error) {
        this.options.logger.error({ err: error, advisor: advisor.id }, `advisor ${advisor.id} failed; its advice for this batch is skipped`);
        continue;
      }
      if (advice.weights && weightBook) changed = weightBook.propose(advisor.id, advice.weights, ts).changed || changed;
      for (const recommendation of advice.recommendations ?? []) {
        if (!isUsableRecommendation(recommendation, ts)) {
          this.options.logger.warn({ advisor: advisor.id, recommendation }, `advisor ${advisor.id} recommended something unusable; ignored it`);
          continue;
        }
        const signal = signalOfRecommendation(advisor.id, recommendation);
        const verdict = seat.act(signal, this.rules(false), recommendation.follows);
        lines.push(this.decisionLine(DecisionRole.ADVISOR, advisor.id, signal, verdict, false));
        changed = true;
      }
    }
    return changed;
  }

  private snapshot(ts: number, decisions: readonly DecisionView[]): AdvisorSnapshot {
    const weightBook = this.weightBook;
    return deepFreeze({
      market_time: ts,
      day: new Date(ts).toISOString().slice(0, 10),
      decisions: decisions.map((d) => structuredClone(d)),
      books: this.seats().map(bookViewOf),
      weights: { ...(weightBook?.weights ?? {}) },
      day_open_weights: { ...(weightBook?.dayOpenWeights(ts) ?? {}) },
      max_daily_shift: weightBook?.maxDailyShift ?? 0,
    });
  }

  private decisionLine(role: DecisionRole, strategy: string, signal: Signal, gate: SeatVerdict, executed: boolean, regime?: string): DecisionLine {
    const ts = new Date(this.options.clock.now()).toISOString();
    const line: DecisionLine = {
      type: 'decision',
      id: decisionId(role, strategy, signal.symbol, signal.market_time, signal.direction),
      ts,
      market_time: new Date(signal.market_time).toISOString(),
      symbol: signal.symbol,
      strategy,
      role,
      action: signal.direction,
      confidence: signal.confidence,
      score: signal.score,
      threshold: signal.threshold,
      price: signal.price,
      regime: regime ?? this.options.regimeOf?.(signal.symbol, signal.market_time) ?? 'unknown',
      expected_value_pct: signal.expected_value_pct,
      cost_estimate_pct: signal.cost_estimate_pct,
      gate: { allowed: gate.allowed, reasons: [...gate.reasons] },
      executed,
    };
    this.outcomes.track(line, signal.market_time, this.options.markets.get(signal.symbol)?.takerFee ?? 0, this.options.slippageBps);
    this.decisionsSession++;
    this.decisionsTotal++;
    this.lastDecisionAt = ts;
    return line;
  }

  /** One transaction: books, their trades and days, pending outcomes, counters, market time. */
  private commit(): void {
    const { store } = this.options;
    const seats = this.seats();
    store.transaction(() => {
      for (const seat of seats) seat.write(store);
      this.outcomes.write(store);
      store.saveCounters({ decisionsTotal: this.decisionsTotal, lastDecisionAt: this.lastDecisionAt });
      if (this.marketTimeMs !== null) store.saveMarketTime(this.marketTimeMs);
    });
    for (const seat of seats) seat.saved();
    this.outcomes.saved();
    this.savedMarketTime = this.marketTimeMs;
    this.dirty = false;
  }
}

/** The trading kernel's estimate: taker fee both ways plus slippage both ways, averaged over the markets, in percent. */
export function defaultCostEstimatePct(markets: ReadonlyMap<string, MarketSpec>, slippageBps: number): number {
  const avgTaker = [...markets.values()].reduce((sum, m) => sum + m.takerFee, 0) / Math.max(1, markets.size);
  return (2 * avgTaker + (2 * slippageBps) / 10_000) * 100;
}
