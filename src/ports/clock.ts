/** Wall time. Trading logic never reads it: it runs on the market time of the candles. */
export interface WallClock {
  now(): number;
}
