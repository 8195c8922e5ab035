import { floorToStep, type MarketSpec } from '../model/market.js';

/**
 * Risk-based size: lose `risk_per_trade_pct` × multiplier of equity if the stop is hit.
 * Rounded down to the market's step; never rounded up to reach a minimum.
 */
export function riskBasedQuantity(args: {
  equity: number;
  riskPerTradePct: number;
  multiplier: number;
  stopDistance: number;
  market: MarketSpec;
}): number {
  const { equity, riskPerTradePct, multiplier, stopDistance, market } = args;
  if (!(stopDistance > 0) || !(equity > 0) || !(multiplier > 0)) return 0;
  const riskCash = equity * (riskPerTradePct / 100) * multiplier;
  const raw = Math.min(riskCash / stopDistance, market.maxAmount);
  return floorToStep(raw, market.amountStep);
}
