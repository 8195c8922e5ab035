import type { Candle } from '../../../src/model/candle.js';

/**
 * Textbook indicator formulas, written independently of trading-signals, over whole arrays:
 * entry i is the value after candle i, or null while undefined. Seeding follows
 * trading-signals 8: the EMA starts from the first close (not an SMA); RSI and ATR use
 * Wilder smoothing seeded with the plain mean of their first `period` inputs; the first
 * true range is that candle's high - low.
 */

export function emaReference(closes: readonly number[], period: number, seed: 'first' | 'sma' = 'first'): Array<number | null> {
  const k = 2 / (period + 1);
  const out: Array<number | null> = [];
  let ema: number | null = null;
  closes.forEach((close, i) => {
    if (seed === 'sma') {
      if (i < period - 1) return out.push(null);
      ema = i === period - 1 ? mean(closes.slice(0, period)) : close * k + ema! * (1 - k);
    } else {
      ema = ema === null ? close : close * k + ema * (1 - k);
    }
    return out.push(ema);
  });
  return out;
}

/** Wilder's RSI: value i needs i price changes, so the first is at index `period`. */
export function rsiReference(closes: readonly number[], period: number): Array<number | null> {
  const out: Array<number | null> = [null];
  let avgGain = 0;
  let avgLoss = 0;
  for (let i = 1; i < closes.length; i++) {
    const change = closes[i]! - closes[i - 1]!;
    const gain = Math.max(change, 0);
    const loss = Math.max(-change, 0);
    if (i <= period) {
      avgGain += gain / period;
      avgLoss += loss / period;
      if (i < period) {
        out.push(null);
        continue;
      }
    } else {
      avgGain = (avgGain * (period - 1) + gain) / period;
      avgLoss = (avgLoss * (period - 1) + loss) / period;
    }
    out.push(avgLoss === 0 ? 100 : 100 - 100 / (1 + avgGain / avgLoss));
  }
  return out;
}

export function trueRanges(candles: readonly Candle[]): number[] {
  return candles.map((c, i) => {
    const prevClose = candles[i - 1]?.close;
    return prevClose === undefined ? c.high - c.low : Math.max(c.high - c.low, Math.abs(c.high - prevClose), Math.abs(c.low - prevClose));
  });
}

/** Wilder's ATR: the mean of the first `period` true ranges, then (prev * (n - 1) + tr) / n. */
export function atrReference(candles: readonly Candle[], period: number): Array<number | null> {
  const tr = trueRanges(candles);
  const out: Array<number | null> = [];
  let atr: number | null = null;
  tr.forEach((range, i) => {
    if (i === period - 1) atr = mean(tr.slice(0, period));
    else if (atr !== null) atr = (atr * (period - 1) + range) / period;
    out.push(atr);
  });
  return out;
}

/** Highest high and lowest low of the `period` candles ending at i (inclusive). */
export function donchianReference(candles: readonly Candle[], period: number): Array<{ upper: number; lower: number } | null> {
  return candles.map((_, i) => {
    if (i < period - 1) return null;
    const window = candles.slice(i - period + 1, i + 1);
    return { upper: Math.max(...window.map((c) => c.high)), lower: Math.min(...window.map((c) => c.low)) };
  });
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** |actual - expected| within `rel` of the expected magnitude (at least 1). */
export function closeTo(actual: number | null, expected: number | null, rel = 1e-9): boolean {
  if (actual === null || expected === null) return actual === expected;
  return Math.abs(actual - expected) <= rel * Math.max(1, Math.abs(expected));
}
