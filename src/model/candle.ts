/** One closed OHLCV candle; `ts` is the candle's open time in ms UTC (market time). */
export interface Candle {
  readonly symbol: string;
  readonly ts: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/** Timeframe strings as exchanges spell them, to milliseconds. */
export function timeframeToMs(timeframe: string): number {
  const match = /^(\d+)([smhdw])$/.exec(timeframe);
  if (!match) throw new RangeError(`timeframe "${timeframe}" is not of the form 1m, 5m, 1h, 1d`);
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[match[2] as 's' | 'm' | 'h' | 'd' | 'w'];
  return Number(match[1]) * unit;
}
