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
  /** Candles in the window, up to `interval`. */
  #filled = 0;
  /** The slot the next candle takes: the window's candles sit in the slots before it, oldest first. */
  #next = 0;
  readonly #maxQueue: MonotonicQueue;
  readonly #minQueue: MonotonicQueue;

  constructor(interval = 20) {
    super(interval);
    this.#highs = new Float64Array(interval);
    this.#lows = new Float64Array(interval);
    this.#maxQueue = new MonotonicQueue(this.#highs, 1);
    this.#minQueue = new MonotonicQueue(this.#lows, -1);
  }

  override update(candle: { high: number; low: number }, replace: boolean): DonchianChannelsResult | null {
    const interval = this.interval;
    if (replace && this.#filled > 0) {
      const last = this.#next === 0 ? interval - 1 : this.#next - 1;
      this.#highs[last] = candle.high;
      this.#lows[last] = candle.low;
      this.#maxQueue.rebuild(this.#next, this.#filled);
      this.#minQueue.rebuild(this.#next, this.#filled);
    } else {
      // Slot numbers only, never a running count: a daemon that replays in a loop runs forever.
      const slot = this.#next;
      this.#maxQueue.evict(slot);
      this.#minQueue.evict(slot);
      this.#highs[slot] = candle.high;
      this.#lows[slot] = candle.low;
      this.#maxQueue.push(slot);
      this.#minQueue.push(slot);
      this.#next = slot + 1 === interval ? 0 : slot + 1;
      if (this.#filled < interval) this.#filled++;
    }
    if (this.#filled < interval) return null;
    const upper = this.#maxQueue.best();
    const lower = this.#minQueue.best();
    return (this.result = { lower, middle: (upper + lower) / 2, upper });
  }
}

/**
 * The slots of a sliding window (a ring of `values`) whose candles can still become its
 * extreme, oldest and best first: `sign` 1 keeps the maximum, -1 the minimum.
 */
class MonotonicQueue {
  /** A ring of slot numbers, `length` of them from `head`. */
  private readonly slots: Int32Array;
  private readonly size: number;
  private head = 0;
  private length = 0;

  constructor(
    private readonly values: Float64Array,
    private readonly sign: 1 | -1,
  ) {
    this.size = values.length;
    this.slots = new Int32Array(this.size);
  }

  /** The candle in `slot` is about to be overwritten: the oldest of the window, it leaves. */
  evict(slot: number): void {
    if (this.length > 0 && this.slots[this.head] === slot) {
      this.head = this.head + 1 === this.size ? 0 : this.head + 1;
      this.length--;
    }
  }

  /** A new candle in `slot`: it outlives every older one it matches or beats, so they go. */
  push(slot: number): void {
    const value = this.values[slot]! * this.sign;
    while (this.length > 0 && this.values[this.slots[(this.head + this.length - 1) % this.size]!]! * this.sign <= value) this.length--;
    this.slots[(this.head + this.length) % this.size] = slot;
    this.length++;
  }

  best(): number {
    return this.values[this.slots[this.head]!]!;
  }

  /** Starts again from the `filled` candles before slot `next`, oldest first. */
  rebuild(next: number, filled: number): void {
    this.head = 0;
    this.length = 0;
    for (let j = 0; j < filled; j++) this.push((next - filled + j + this.size) % this.size);
  }
}
