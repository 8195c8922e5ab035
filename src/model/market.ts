/** What the exchange says about one spot market: precision, limits and fees. */
export interface MarketSpec {
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
  /** Quantity step (TICK_SIZE precision mode). */
  readonly amountStep: number;
  readonly priceTick: number;
  readonly minAmount: number;
  readonly maxAmount: number;
  /** Minimum notional in quote currency. */
  readonly minCost: number;
  readonly takerFee: number;
  readonly makerFee: number;
}

const EPS = 1e-9;

/** Rounds a quantity down to the market's step, as an exchange would truncate it. */
export function floorToStep(value: number, step: number): number {
  if (step <= 0) return value;
  const units = Math.floor(value / step + EPS);
  return roundTo(units * step, step);
}

/** Rounds a price to the nearest tick. */
export function roundToTick(value: number, tick: number): number {
  if (tick <= 0) return value;
  return roundTo(Math.round(value / tick) * tick, tick);
}

/** Removes float noise (0.1 + 0.2) by rounding to the step's decimal places. */
function roundTo(value: number, step: number): number {
  const decimals = Math.max(0, Math.ceil(-Math.log10(step)) + 2);
  return Number(value.toFixed(Math.min(decimals, 15)));
}

/** Cash and fees are kept to 1e-8 of the quote currency. */
export function roundCash(value: number): number {
  return Math.round(value * 1e8) / 1e8;
}
