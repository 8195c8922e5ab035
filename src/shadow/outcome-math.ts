import type { PendingOutcome } from '../ports/shadow-store.js';

/**
 * The counterfactual of one decision at one horizon.
 *
 * `return_pct` is the market's move from the decision's price (the close of its candle) to
 * the horizon's close, in percent, before any cost.
 *
 * `pnl_if_taken` is the net result, in quote currency, of acting on the decision with ONE
 * unit of quote notional (1 USDT), with the taker fee and the slippage paid on both legs as
 * the paper broker charges them (price ticks left out: they do not scale with a unit).
 * Multiply by a decision's intended notional (quantity × price) for its currency amount.
 * - `long`: spend 1 at the decision (fill at price × (1 + slippage), fee on top), sell at the
 *   horizon (price × (1 − slippage), fee off): proceeds − 1.
 * - `exit`: sell a position worth 1 now rather than at the horizon; both legs pay the same
 *   one-way costs, so it is (1 − slippage)(1 − fee)(1 − horizon price ÷ decision price):
 *   positive when exiting avoided a fall.
 */
export function outcomeOf(pending: PendingOutcome, horizonPrice: number): { readonly return_pct: number; readonly pnl_if_taken: number } {
  const move = horizonPrice / pending.price;
  const slip = pending.slippageBps / 10_000;
  const fee = pending.takerFee;
  const pnl =
    pending.action === 'long'
      ? (move * (1 - slip) * (1 - fee)) / ((1 + slip) * (1 + fee)) - 1
      : (1 - slip) * (1 - fee) * (1 - move);
  return { return_pct: round((move - 1) * 100, 6), pnl_if_taken: round(pnl, 10) };
}

function round(value: number, digits: number): number {
  return Number.isFinite(value) ? Number(value.toFixed(digits)) : value;
}
