import { roundTo } from './market.js';
import type { TrailingSpec } from './signal.js';

/**
 * The paper exchange's fill rules for a long position, as pure functions, shared by the paper
 * broker (which trades on them) and the strategies' edge tracker (which measures shadow
 * trades on them), so that a strategy's measured edge and the account's results can never
 * follow different rules. Precision is the caller's: the broker passes the market's tick,
 * a shadow measurement passes none.
 */

export type TakerSide = 'buy' | 'sell';

/**
 * Price a market order gets: moved against the taker by `slippageBps`, then onto the tick
 * against the taker too (a buy pays the tick above, a sell gets the tick below), since a book
 * only has levels on the tick.
 */
export function slippedPrice(reference: number, side: TakerSide, slippageBps: number, priceTick = 0): number {
  const factor = slippageBps / 10_000;
  const moved = side === 'buy' ? reference * (1 + factor) : reference * (1 - factor);
  return side === 'buy' ? ceilToTick(moved, priceTick) : floorToTick(moved, priceTick);
}

/** The tick at or above `price` (float noise within 1e-9 of a tick counts as on it). */
export function ceilToTick(price: number, tick: number): number {
  if (!(tick > 0)) return price;
  return roundTo(Math.ceil(price / tick - 1e-9) * tick, tick);
}

/** The tick at or below `price`. */
export function floorToTick(price: number, tick: number): number {
  if (!(tick > 0)) return price;
  return roundTo(Math.floor(price / tick + 1e-9) * tick, tick);
}


export type ExitKind = 'stop' | 'trailing_stop' | 'target';

/**
 * How a position leaves inside one candle. `price` is the level the exit happened at;
 * `market` is true when that level triggered a market order, which then pays slippage on top
 * (a stop), and false for a resting limit that fills at its own price (a target).
 */
export interface ExitTrigger {
  readonly kind: ExitKind;
  readonly price: number;
  readonly market: boolean;
}

/** The stop in force: the trailing stop once it has risen above the initial stop. */
export function activeStopLevel(stop: number, trailingStop: number | null): { readonly kind: 'stop' | 'trailing_stop'; readonly level: number } {
  return trailingStop !== null && trailingStop > stop ? { kind: 'trailing_stop', level: trailingStop } : { kind: 'stop', level: stop };
}

/**
 * Decides whether a long position exits inside one candle, pessimistically, since the path
 * inside a candle is unknown, but never against what the candle proves:
 * - an open at or below the stop (a gap through it) fills at the open, worse than the stop;
 * - an open above the target (a gap through it) has filled the resting target first, at its
 *   price: the open is the candle's first trade, whatever its low does later;
 * - a low at or below the stop fills at the stop, and when the target also lies inside the
 *   candle the stop still comes first;
 * - the target is a resting limit: it fills at its own price, and only when the high trades
 *   through it (a touch alone does not prove the queue reached our order).
 */
export function exitInsideCandle(
  candle: { readonly open: number; readonly high: number; readonly low: number },
  stop: number,
  trailingStop: number | null,
  target: number | null,
): ExitTrigger | null {
  const active = activeStopLevel(stop, trailingStop);
  if (candle.open <= active.level) return { kind: active.kind, price: candle.open, market: true };
  if (target !== null && candle.open > target) return { kind: 'target', price: target, market: false };
  if (candle.low <= active.level) return { kind: active.kind, price: active.level, market: true };
  if (target !== null && candle.high > target) return { kind: 'target', price: target, market: false };
  return null;
}

/**
 * freqtrade-style trailing stop for a long: `distance_pct` below the high-water mark, from the
 * start or, with `only_after_offset`, once the high-water mark is `offset_pct` above the
 * entry. Returns the new trailing level when it rises above the stop in force, else null: a
 * trailing stop never moves down. Call it after the candle's exit check, with the high-water
 * mark including that candle, so the candle's own low was judged against the previous level.
 */
export function raisedTrailingStop(
  position: { readonly entry: number; readonly stop: number; readonly highWater: number; readonly trailingStop: number | null },
  spec: TrailingSpec | null,
  priceTick = 0,
): number | null {
  if (!spec) return null;
  const profitPct = ((position.highWater - position.entry) / position.entry) * 100;
  if (spec.only_after_offset && profitPct < spec.offset_pct) return null;
  // Onto the tick below: a stop never sits closer to the price than the distance asks.
  const candidate = floorToTick(position.highWater * (1 - spec.distance_pct / 100), priceTick);
  return candidate > activeStopLevel(position.stop, position.trailingStop).level ? candidate : null;
}
