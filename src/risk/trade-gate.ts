import { Reason } from '../model/reason-codes.js';
import { floorToStep, type MarketSpec } from '../model/market.js';
import type { Signal } from '../model/signal.js';
import type { RiskSettings } from './risk-settings.js';
import { riskBasedQuantity } from './sizing.js';

/** Account-wide conditions that block every new entry, in the order they are reported. */
export interface GateFlags {
  readonly emergencyStop: boolean;
  readonly killSwitch: boolean;
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
  readonly openPositions: number;
  readonly riskAtStops: number;
  hasPosition(symbol: string): boolean;
  hasPendingOrder(symbol: string): boolean;
  isStale(symbol: string): boolean;
  costOfBuy(symbol: string, quantity: number, price: number): number;
}

export interface GateVerdict {
  readonly allowed: boolean;
  /** Every failed check, first the one that decided. */
  readonly reasons: readonly string[];
  readonly quantity: number;
}

const FLAG_REASONS: ReadonlyArray<readonly [keyof GateFlags, string]> = [
  ['emergencyStop', Reason.EMERGENCY_STOP],
  ['killSwitch', Reason.KILL_SWITCH],
  ['paused', Reason.PAUSED],
  ['halted', Reason.HALTED],
  ['capitalPreservationBlocked', Reason.CAPITAL_PRESERVATION],
  ['persistenceFailure', Reason.PERSISTENCE_FAILURE],
  ['feedStale', Reason.FEED_STALE],
  ['warmingUp', Reason.WARMING_UP],
  ['dailyLossLimitHit', Reason.DAILY_LOSS_LIMIT],
];

/** The reasons every new entry is blocked right now (status.json `.risk.reasons`). */
export function accountBlockers(flags: GateFlags, risk: RiskSettings): string[] {
  const reasons = FLAG_REASONS.filter(([flag]) => flags[flag]).map(([, reason]) => reason);
  if (risk.risk_multiplier === 0) reasons.push(Reason.RISK_MULTIPLIER_ZERO);
  if (risk.max_open_positions === 0) reasons.push(Reason.MAX_OPEN_POSITIONS);
  return reasons;
}

/**
 * Judges one entry signal: ordered checks, each failure a stable reason code. Exits are not
 * judged here: managing an open position is always allowed.
 */
export function judgeEntry(signal: Signal, flags: GateFlags, risk: RiskSettings, account: GateAccount, market: MarketSpec | undefined): GateVerdict {
  const reasons = accountBlockers(flags, risk);
  if (!flags.feedStale && account.isStale(signal.symbol)) reasons.push(Reason.FEED_STALE);
  if (!market) return { allowed: false, reasons: [...reasons, Reason.UNKNOWN_MARKET], quantity: 0 };
  if (account.hasPosition(signal.symbol) || account.hasPendingOrder(signal.symbol)) reasons.push(Reason.POSITION_EXISTS);
  if (risk.max_open_positions > 0 && account.openPositions >= risk.max_open_positions) reasons.push(Reason.MAX_OPEN_POSITIONS);

  const stopDistance = signal.stop === undefined ? NaN : signal.price - signal.stop;
  if (!(stopDistance > 0)) return { allowed: false, reasons: [...reasons, Reason.INVALID_STOP], quantity: 0 };
  let quantity = riskBasedQuantity({
    equity: account.equity,
    riskPerTradePct: risk.risk_per_trade_pct,
    multiplier: risk.risk_multiplier,
    stopDistance,
    market,
  });
  // Spot cannot borrow: the size is also capped by what the free cash buys.
  const unitCost = account.costOfBuy(signal.symbol, 1, signal.price);
  if (unitCost > 0) quantity = Math.min(quantity, floorToStep(Math.max(0, account.available - 1e-6) / unitCost, market.amountStep));
  if (quantity > 0 && quantity * signal.price >= market.minCost) {
    const heatPct = ((account.riskAtStops + stopDistance * quantity) / account.equity) * 100;
    if (heatPct > risk.max_portfolio_heat_pct) reasons.push(Reason.PORTFOLIO_HEAT);
    if (account.costOfBuy(signal.symbol, quantity, signal.price) > account.available) reasons.push(Reason.INSUFFICIENT_BALANCE);
  }
  if (quantity < market.minAmount || quantity <= 0) reasons.push(Reason.BELOW_MIN_AMOUNT);
  else if (quantity * signal.price < market.minCost) reasons.push(Reason.BELOW_MIN_COST);
  if (reasons.length > 0) quantity = 0;
  return { allowed: reasons.length === 0, reasons, quantity };
}
