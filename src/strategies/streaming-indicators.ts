import { DonchianChannels, RSI, WSMA, type DonchianChannelsResult } from 'trading-signals';

// trading-signals is the reference for every indicator the strategies use. Three of its classes
// do O(period) work per value where O(1) suffices; the subclasses here keep the library's
// interface and give the library's results, double for double (test/unit/strategies/
// streaming-indicators.test.ts compares them on real candles, replaces included).

/**
 * Wilder's smoothing in O(1) per value, for the smoothing slot of trading-signals' `ATR` and
 * `RSI` (`new ATR(14, WilderSmoothing)`). The library's default, `WSMA`, gives the same
 * numbers but keeps a simple moving average of the last `interval` values up to date forever,
 * shifting an array and summing it on every value, although it only ever reads that average
 * once, for the seed. Here the seed is summed in the same order as the library sums it, and
 * each later value is smoothed by the same expression, so every result is the same double.
 */
export class WilderSmoothing extends WSMA {
  /** The first `interval` values, kept until the first smoothed value so that a replace can redo the seed. */
  #seed: number[] | null = [];
  #seedSum = 0;
  readonly #factor: number;

  constructor(interval: number) {
    super(interval);
    this.#factor = 1 / interval;
  }

  override update(value: number, replace: boolean): number | null {
    const seed = this.#seed;
    if (seed !== null) {
      // A replace redoes the seed until a smoothed value exists; a new value extends it until it is full.
      const seeding = replace ? this.previousResult === undefined : seed.length < this.interval;
      if (seeding) {
        if (replace && seed.length > 0) {
          seed[seed.length - 1] = value;
          this.#seedSum = seed.reduce((sum, x) => sum + x, 0);
        } else {
          seed.push(value);
          this.#seedSum += value;
        }
        return seed.length < this.interval ? null : this.setResult(this.#seedSum / this.interval, replace);
      }
      this.#seed = null;
    }
    const previous = replace ? this.previousResult : this.result;
    if (previous === undefined) return null;
    return this.setResult((value - previous) * this.#factor + previous, replace);
  }
}

/**
 * The library's RSI with Wilder's smoothing (`new RSI(period, WilderSmoothing)`), without its
 * per-value cost: the library keeps the last `interval` prices in an array, pushing and
 * shifting it on every price, although it only ever reads the one before the last. Here those
 * two prices are kept; the gains and losses are smoothed, and the RSI computed, by the same
 * expressions in the same order, so every result is the same double.
 */
export class StreamingRSI extends RSI {
  readonly #avgGain: WilderSmoothing;
  readonly #avgLoss: WilderSmoothing;
  #last = Number.NaN;
  #beforeLast = Number.NaN;
  /** How many prices the library's array would hold: up to `interval`. */
  #prices = 0;

  constructor(interval: number) {
    super(interval, WilderSmoothing);
    this.#avgGain = new WilderSmoothing(interval);
    this.#avgLoss = new WilderSmoothing(interval);
  }

  override update(price: number, replace: boolean): number | null {
    if (replace && this.#prices > 0) {
      this.#last = price;
    } else {
      this.#beforeLast = this.#last;
      this.#last = price;
      if (this.#prices < this.interval) this.#prices++;
    }
    if (this.#prices < 2) return null;
    const previousPrice = this.#beforeLast;
    if (price > previousPrice) {
      this.#avgLoss.update(0, replace);
      this.#avgGain.update(price - previousPrice, replace);
    } else {
      this.#avgLoss.update(previousPrice - price, replace);
      this.#avgGain.update(0, replace);
    }
    if (!this.#avgGain.isStable) return null;
    const avgLoss = this.#avgLoss.getResultOrThrow();
    if (avgLoss === 0) return this.setResult(100, replace);
    const relativeStrength = this.#avgGain.getResultOrThrow() / avgLoss;
    return this.setResult(100 - 100 / (relativeStrength + 1), replace);
  }
}

/**
 * Donchian channels (the highest high and lowest low of the last `interval` candles, the
 * current one included) in amortised O(1) per candle. The library's `DonchianChannels` shifts
 * an array of the candles and scans all of them on every candle. Here each band is a
 * `SlidingMax` (the lows negated: -max(-low) is min(low), exactly); a `replace` of the last
 * candle redoes its slot.
 */
export class RollingDonchianChannels extends DonchianChannels {
  readonly #highs: SlidingMax;
  readonly #negatedLows: SlidingMax;
  /** Candles in the window, up to `interval`. */
  #filled = 0;

  constructor(interval = 20) {
    super(interval);
    this.#highs = new SlidingMax(interval);
    this.#negatedLows = new SlidingMax(interval);
  }

  override update(candle: { high: number; low: number }, replace: boolean): DonchianChannelsResult | null {
    let upper: number;
    let lower: number;
    if (replace && this.#filled > 0) {
      upper = this.#highs.replaceLast(candle.high);
      lower = -this.#negatedLows.replaceLast(-candle.low);
    } else {
      upper = this.#highs.push(candle.high);
      lower = -this.#negatedLows.push(-candle.low);
      if (this.#filled < this.interval) this.#filled++;
    }
    if (this.#filled < this.interval) return null;
    return (this.result = { lower, middle: (upper + lower) / 2, upper });
  }
}

/**
 * The maximum of the last `size` values, by van Herk and Gil-Werman's blocks: the values go into
 * blocks of `size`; the window ending at slot j of the current block is slots j+1.. of the
 * previous block and slots ..j of this one, so its maximum is the previous block's suffix
 * maximum from j+1 with this block's prefix maximum to j. A full block's suffix maxima are
 * computed once, when the next block starts. No branch depends on the data, and the values are
 * compared with `Math.max`, as the library compares them.
 */
class SlidingMax {
  /** The current block's values, `filled` of them. */
  private readonly values: Float64Array;
  /** prefix[j]: the maximum of the current block's slots 0..j. */
  private readonly prefix: Float64Array;
  /** suffix[j]: the maximum of the previous block's slots j..size-1 (-Infinity before the first block). */
  private readonly suffix: Float64Array;
  private filled = 0;

  constructor(private readonly size: number) {
    this.values = new Float64Array(size);
    this.prefix = new Float64Array(size);
    this.suffix = new Float64Array(size).fill(-Infinity);
  }

  /** Adds a value; returns the maximum of the last `size` values (fewer at the start). */
  push(value: number): number {
    const size = this.size;
    if (this.filled === size) {
      let max = -Infinity;
      for (let j = size - 1; j >= 0; j--) this.suffix[j] = max = Math.max(max, this.values[j]!);
      this.filled = 0;
    }
    const j = this.filled;
    this.values[j] = value;
    const prefix = (this.prefix[j] = j === 0 ? value : Math.max(this.prefix[j - 1]!, value));
    this.filled = j + 1;
    return j + 1 < size ? Math.max(this.suffix[j + 1]!, prefix) : prefix;
  }

  /** Replaces the last value pushed (there must be one); returns the window's maximum with it. */
  replaceLast(value: number): number {
    this.filled--;
    return this.push(value);
  }
}
