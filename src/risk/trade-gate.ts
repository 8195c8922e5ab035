import type { MarketSpec } from '../model/market.js';
import { Reason } from '../model/reason-codes.js';
import type { Signal } from '../model/signal.js';
import type { EntryRules } from './gate-settings.js';
import type { RiskSettings } from './risk-settings.js';
import { sizeEntry } from './sizing.js';
import type { TurnoverState } from './turnover-book.js';

/** Account-wide conditions that block every new entry, in the order they are reported. */
export interface GateFlags {
  readonly killSwitch: boolean;
  readonly emergencyStop: boolean;
  readonly paused: boolean;
  readonly halted: boolean;
  readonly capitalPreservationBlocked: boolean;
  readonly persistenceFailure: boolean;
  readonly feedStale: boolean;
  readonly warmingUp: boolean;
  readonly dailyLossLimitHit: boolean;
}

/** What the gate may read about the account when judging one entry. */
export interface GateAccount {
  readonly equity: number;
  readonly available: number;
  /** Open positions plus buy orders waiting for their fill. */
  readonly openPositions: number;
  /** What the stops of open positions and pending buys put at risk, in quote currency. */
  readonly riskAtStops: number;
  hasPosition(symbol: string): boolean;
  hasPendingOrder(symbol: string): boolean;
  isStale(symbol: string): boolean;
  costOfBuy(symbol: string, quantity: number, price: number): number;
}

export interface GateInput {
  readonly signal: Signal;
  readonly flags: GateFlags;
  readonly risk: RiskSettings;
  /** The signal's symbol's rules (`entryRulesFor`). */
  readonly rules: EntryRules;
  readonly turnover: TurnoverState;
  readonly account: GateAccount;
  readonly market: MarketSpec | undefined;
  /** Market time of the decision: the close of the signal's candle, which is when its order would fill. */
  readonly now: number;
}

export interface GateVerdict {
  readonly allowed: boolean;
  /** Every failed check in check order; the first is the one that decided. */
  readonly reasons: readonly Reason[];
  /** The size to order when allowed, else 0. */
  readonly quantity: number;
}

const FLAG_REASONS: ReadonlyArray<readonly [keyof GateFlags, Reason]> = [
  ['killSwitch', Reason.KILL_SWITCH],
  ['emergencyStop', Reason.EMERGENCY_STOP],
  ['paused', Reason.PAUSED],
  ['halted', Reason.HALTED],
  ['capitalPreservationBlocked', Reason.CAPITAL_PRESERVATION],
  ['persistenceFailure', Reason.PERSISTENCE_FAILURE],
  ['feedStale', Reason.FEED_STALE],
  ['warmingUp', Reason.WARMING_UP],
  ['dailyLossLimitHit', Reason.DAILY_LOSS_LIMIT],
];

/** The reasons every new entry is blocked right now (status.json `.risk.reasons`). */
export function accountBlockers(flags: GateFlags, risk: RiskSettings): Reason[] {
  const reasons = FLAG_REASONS.filter(([flag]) => flags[flag]).map(([, reason]) => reason);
  if (risk.risk_multiplier === 0) reasons.push(Reason.RISK_MULTIPLIER_ZERO);
  if (risk.max_open_positions === 0) reasons.push(Reason.MAX_OPEN_POSITIONS);
  return reasons;
}

/**
 * Judges one entry signal. The checks run in a fixed order and every failure is a stable
 * reason code: the account (kill switch, emergency stop, pause, halt, capital preservation,
 * persistence, stale feed, warm-up, daily loss limit, risk multiplier), the signal's quality
 * (confidence, expected value against its cost), the symbol's turnover (spacing, entries
 * today, losing-streak cooldown), the book (one position per symbol, open positions), then
 * the size (market, stop, sizing, portfolio heat, cash). Pure: everything it reads is passed
 * in. Exits never come here: managing an open position is always allowed.
 */
export function judgeEntry(input: GateInput): GateVerdict {
  const { signal, flags, risk, rules, turnover, account, market, now } = input;
  const { symbol } = signal;
  const reasons = accountBlockers({ ...flags, feedStale: flags.feedStale || account.isStale(symbol) }, risk);

  if (!(signal.confidence >= rules.min_confidence)) reasons.push(Reason.MIN_CONFIDENCE);
  if (!(signal.expected_value_pct >= rules.min_ev_cost_ratio * signal.cost_estimate_pct)) reasons.push(Reason.EV_BELOW_COST);

  if (turnover.lastEntryAt !== null && now - turnover.lastEntryAt < rules.min_interval_s * 1000) reasons.push(Reason.TURNOVER_MIN_INTERVAL);
  if (rules.max_entries_per_day !== null && turnover.entriesOnDayOf(now) >= rules.max_entries_per_day) reasons.push(Reason.TURNOVER_MAX_DAILY);
  if (turnover.lossStreak >= rules.loss_streak && turnover.lastLossAt !== null && now - turnover.lastLossAt < rules.loss_cooldown_s * 1000) {
    reasons.push(Reason.LOSS_STREAK_COOLDOWN);
  }

  if (account.hasPosition(symbol) || account.hasPendingOrder(symbol)) reasons.push(Reason.POSITION_EXISTS);
  if (risk.max_open_positions > 0 && account.openPositions >= risk.max_open_positions) reasons.push(Reason.MAX_OPEN_POSITIONS);

  const quantity = market ? sizeAndCheck(input, market, reasons) : (reasons.push(Reason.UNKNOWN_MARKET), 0);
  const allowed = reasons.length === 0;
  return { allowed, reasons, quantity: allowed ? quantity : 0 };
}

/** Sizes the entry and checks what the size puts at risk and costs; pushes any failure. */
function sizeAndCheck(input: GateInput, market: MarketSpec, reasons: Reason[]): number {
  const { signal, risk, account } = input;
  const stopDistance = signal.stop === undefined ? NaN : signal.price - signal.stop;
  const sizing = sizeEntry({
    equity: account.equity,
    available: account.available,
    riskPerTradePct: risk.risk_per_trade_pct,
    multiplier: risk.risk_multiplier,
    stopDistance,
    price: signal.price,
    unitCost: account.costOfBuy(signal.symbol, 1, signal.price),
    market,
  });
  const heatExceeded = (quantity: number) => (account.equity > 0 ? ((account.riskAtStops + stopDistance * quantity) / account.equity) * 100 : Infinity) > risk.max_portfolio_heat_pct;
  if (!sizing.ok) {
    // Short of cash: heat comes first in the check order, judged on the size the risk rule wanted.
    if (sizing.byRisk !== undefined && heatExceeded(sizing.byRisk)) reasons.push(Reason.PORTFOLIO_HEAT);
    reasons.push(sizing.reason);
    return 0;
  }
  if (heatExceeded(sizing.quantity)) reasons.push(Reason.PORTFOLIO_HEAT);
  if (account.costOfBuy(signal.symbol, sizing.quantity, signal.price) > account.available) reasons.push(Reason.INSUFFICIENT_BALANCE);
  return sizing.quantity;
}
