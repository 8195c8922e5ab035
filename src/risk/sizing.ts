import { floorToStep, type MarketSpec } from '../model/market.js';
import { Reason } from '../model/reason-codes.js';

export interface SizingInput {
  readonly equity: number;
  /** Free cash: balance minus what pending orders reserve. */
  readonly available: number;
  readonly riskPerTradePct: number;
  readonly multiplier: number;
  /** Reference price minus stop, in quote currency per unit. */
  readonly stopDistance: number;
  /** The signal's reference price, which the minimum notional is checked against. */
  readonly price: number;
  /** Cash one unit costs to buy, slippage and fee included (the broker's reservation rule). */
  readonly unitCost: number;
  readonly market: MarketSpec;
}

export type Sizing =
  | { readonly ok: true; readonly quantity: number; readonly limitedBy: 'risk' | 'cash' | 'max_amount' }
  | {
      readonly ok: false;
      readonly reason: Reason;
      readonly quantity: 0;
      /** With `insufficient_balance`: the size the risk rule alone gives, for the checks that come before cash. */
      readonly byRisk?: number;
    };

/**
 * Risk-based size: lose `risk_per_trade_pct` × multiplier of equity if the stop is hit, i.e.
 * equity × pct × multiplier ÷ stop distance, capped by what the free cash buys (spot cannot
 * borrow) and by the market's maximum, then rounded DOWN to the amount step. A size below the
 * market's minimum amount or minimum notional is refused with its reason, never rounded up:
 * rounding up would risk more than the rule allows. When the risk rule alone would have met
 * the minimums and the cash cap is what fails them, the reason is `insufficient_balance`.
 */
export function sizeEntry(input: SizingInput): Sizing {
  const { equity, available, riskPerTradePct, multiplier, stopDistance, price, unitCost, market } = input;
  if (!(stopDistance > 0) || !Number.isFinite(stopDistance)) return refuse(Reason.INVALID_STOP);
  const riskCash = equity > 0 && multiplier > 0 && riskPerTradePct > 0 ? equity * (riskPerTradePct / 100) * multiplier : 0;
  const byRisk = floorToStep(riskCash / stopDistance, market.amountStep);
  // A micro-unit of cushion: the reservation is rounded to 1e-8 and must still fit the free cash.
  // `unitCost` is itself rounded to 1e-8, up to half of that short of one unit's true cost: on
  // a market priced under a cent, times millions of units, that shortfall is more than the cash.
  const byCash = unitCost > 0 ? floorToStep(Math.max(0, available - 1e-6) / (unitCost + 1e-8), market.amountStep) : 0;
  const byMax = floorToStep(market.maxAmount, market.amountStep);
  const quantity = Math.min(byRisk, byCash, byMax);
  const limitedBy = quantity === byRisk ? 'risk' : quantity === byCash ? 'cash' : 'max_amount';
  const meetsMinimums = (q: number): Reason | null => (!(q > 0) || q < market.minAmount ? Reason.BELOW_MIN_AMOUNT : q * price < market.minCost ? Reason.BELOW_MIN_COST : null);
  const failure = meetsMinimums(quantity);
  if (failure === null) return { ok: true, quantity, limitedBy };
  const riskAloneFits = meetsMinimums(Math.min(byRisk, byMax)) === null;
  if (limitedBy === 'cash' && riskAloneFits) return { ok: false, reason: Reason.INSUFFICIENT_BALANCE, quantity: 0, byRisk: Math.min(byRisk, byMax) };
  return refuse(failure);
}

function refuse(reason: Reason): Sizing {
  return { ok: false, reason, quantity: 0 };
}
