/** Price a market order gets, moved against the taker by `slippageBps`. */
export function slippedPrice(reference: number, side: 'buy' | 'sell', slippageBps: number): number {
  const factor = slippageBps / 10_000;
  return side === 'buy' ? reference * (1 + factor) : reference * (1 - factor);
}

export type ExitTrigger = { kind: 'stop' | 'trailing_stop' | 'target'; price: number; slipped: boolean };

/**
 * Decides whether a long position exits inside one candle, pessimistically: the candle's path
 * is unknown, so when a stop and a target both lie inside it, the stop fills first. A stop
 * gapped through at the open fills at the open; a target (a resting limit) fills at its price.
 */
export function exitInsideCandle(
  candle: { open: number; high: number; low: number },
  stop: number,
  trailingStop: number | null,
  target: number | null,
): ExitTrigger | null {
  const trailingActive = trailingStop !== null && trailingStop > stop;
  const activeStop = trailingActive ? trailingStop : stop;
  const kind = trailingActive ? 'trailing_stop' : 'stop';
  if (candle.open <= activeStop) return { kind, price: candle.open, slipped: true };
  if (candle.low <= activeStop) return { kind, price: activeStop, slipped: true };
  if (target !== null && candle.high >= target) return { kind: 'target', price: target, slipped: false };
  return null;
}
