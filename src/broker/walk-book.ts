import type { BookLevel } from '../ports/book-source.js';

export interface BookWalk {
  /** Volume-weighted price of what the book could fill (NaN when it filled nothing). */
  readonly price: number;
  /** Base quantity the book could fill, at most the quantity asked. */
  readonly filled: number;
  /** True when the levels held the whole quantity. */
  readonly complete: boolean;
  /** The last level the walk reached: how far the order moved the price. */
  readonly worstPrice: number;
}

/**
 * Walks the side of the book a market order takes, best level first, as freqtrade's and
 * Hummingbot's paper modes do: the order takes each level's quantity until it is filled.
 * Levels must be best first (asks ascending for a buy, bids descending for a sell); a level
 * out of order or with a non-positive price or amount is a broken book and throws.
 */
export function walkBook(side: 'buy' | 'sell', quantity: number, levels: readonly BookLevel[]): BookWalk {
  if (!(quantity > 0) || !Number.isFinite(quantity)) throw new RangeError(`cannot walk the book for a quantity of ${quantity}`);
  let remaining = quantity;
  let notional = 0;
  let worstPrice = NaN;
  let previous: number | null = null;
  for (const [price, amount] of levels) {
    if (!(price > 0) || !(amount > 0) || !Number.isFinite(price) || !Number.isFinite(amount)) throw new RangeError(`book level [${price}, ${amount}] is not a positive price and amount`);
    if (previous !== null && (side === 'buy' ? price < previous : price > previous)) throw new RangeError(`book levels for a ${side} are not best first (${previous} then ${price})`);
    previous = price;
    const take = Math.min(remaining, amount);
    notional += take * price;
    remaining -= take;
    worstPrice = price;
    // Float noise from the subtraction must not leave a phantom 1e-17 unfilled.
    if (remaining <= quantity * 1e-12) {
      remaining = 0;
      break;
    }
  }
  const filled = quantity - remaining;
  return { price: filled > 0 ? notional / filled : NaN, filled, complete: remaining === 0, worstPrice };
}
