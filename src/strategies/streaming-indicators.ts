import { DonchianChannels, WSMA, type DonchianChannelsResult } from 'trading-signals';

// trading-signals is the reference for every indicator the strategies use. Two of its classes
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
 * Donchian channels (the highest high and lowest low of the last `interval` candles, the
 * current one included) in amortised O(1) per candle. The library's `DonchianChannels` shifts
 * an array of the candles and scans all of them on every candle. Here two monotonic queues
 * keep the candidates for the highest high and the lowest low; a `replace` of the last candle
 * rebuilds them from the window, as the library rescans it.
 */
export class RollingDonchianChannels extends DonchianChannels {
  readonly #highs: Float64Array;
  readonly #lows: Float64Array;
  /** Candles added (replaces not counted); candle k sits in slot k % interval. */
  #count = 0;
  readonly #maxQueue: MonotonicQueue;
  readonly #minQueue: MonotonicQueue;

  constructor(interval = 20) {
    super(interval);
    this.#highs = new Float64Array(interval);
    this.#lows = new Float64Array(interval);
    this.#maxQueue = new MonotonicQueue(interval, this.#highs, 1);
    this.#minQueue = new MonotonicQueue(interval, this.#lows, -1);
  }

  override update(candle: { high: number; low: number }, replace: boolean): DonchianChannelsResult | null {
    const interval = this.interval;
    if (replace && this.#count > 0) {
      const slot = (this.#count - 1) % interval;
      this.#highs[slot] = candle.high;
      this.#lows[slot] = candle.low;
      const from = Math.max(0, this.#count - interval);
      this.#maxQueue.rebuild(from, this.#count);
      this.#minQueue.rebuild(from, this.#count);
    } else {
      const k = this.#count++;
      this.#highs[k % interval] = candle.high;
      this.#lows[k % interval] = candle.low;
      this.#maxQueue.push(k);
      this.#minQueue.push(k);
    }
    if (this.#count < interval) return null;
    const upper = this.#maxQueue.best();
    const lower = this.#minQueue.best();
    return (this.result = { lower, middle: (upper + lower) / 2, upper });
  }
}

/**
 * The indices of a sliding window whose values can still become its extreme, best first:
 * `sign` 1 keeps the maximum, -1 the minimum. Values live in a ring of `size` slots.
 */
class MonotonicQueue {
  /** Candle indices, a ring buffer of `size` entries from `head` (integers: `%` on doubles is slow). */
  private readonly indices: Int32Array;
  private head = 0;
  private length = 0;

  constructor(
    private readonly size: number,
    private readonly values: Float64Array,
    private readonly sign: 1 | -1,
  ) {
    this.indices = new Int32Array(size);
  }

  /** Candle `k` arrived: it evicts what it beats (ties included, the newer lasts longer) and what left the window. */
  push(k: number): void {
    const value = this.values[k % this.size]! * this.sign;
    while (this.length > 0 && this.values[this.at(this.length - 1) % this.size]! * this.sign <= value) this.length--;
    if (this.length > 0 && this.at(0) <= k - this.size) {
      this.head = (this.head + 1) % this.size;
      this.length--;
    }
    this.indices[(this.head + this.length) % this.size] = k;
    this.length++;
  }

  best(): number {
    return this.values[this.at(0) % this.size]!;
  }

  /** Starts again from the candles `from` (inclusive) to `to` (exclusive). */
  rebuild(from: number, to: number): void {
    this.head = 0;
    this.length = 0;
    for (let k = from; k < to; k++) this.push(k);
  }

  private at(position: number): number {
    return this.indices[(this.head + position) % this.size]!;
  }
}
