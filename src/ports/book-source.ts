/** One price level of an order book: price and the base quantity resting there (ccxt's `[price, amount]`). */
export type BookLevel = readonly [price: number, amount: number];

/**
 * Live order books for the paper broker: the levels a market order of `side` would take,
 * best first (asks for a buy, bids for a sell), or null when no fresh book is at hand, in
 * which case the broker falls back to the candle rule (next open moved by slippage).
 */
export interface BookSource {
  levels(symbol: string, side: 'buy' | 'sell'): readonly BookLevel[] | null;
}
