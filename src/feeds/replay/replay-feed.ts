import { setTimeout as delay, setImmediate as yieldToLoop } from 'node:timers/promises';
import path from 'node:path';
import type { Candle } from '../../model/candle.js';
import type { MarketSpec } from '../../model/market.js';
import type { WallClock } from '../../ports/clock.js';
import type { CandleBatch, FeedHealth, FeedRunOptions, MarketFeed } from '../../ports/market-feed.js';
import { candleAt, loadCandleSeries, replayFileName, type CandleSeries } from './csv-candles.js';

export interface ReplayFeedOptions {
  readonly dataDir: string;
  readonly exchange: string;
  readonly symbols: readonly string[];
  readonly timeframe: string;
  readonly timeframeMs: number;
  /** Market seconds per wall second, or 'max' for as fast as possible. */
  readonly speed: number | 'max';
  readonly from: number | null;
  readonly to: number | null;
  readonly loop: boolean;
  readonly markets: () => Promise<ReadonlyMap<string, MarketSpec>>;
  readonly clock: WallClock;
  /** Longest stretch of synchronous work at speed max before yielding to timers and I/O. */
  readonly sliceMs?: number;
}

/**
 * Recorded candles of several symbols merged in time order and paced on the wall clock.
 * With `loop`, the data starts again shifted forward so that market time keeps increasing.
 */
export class ReplayFeed implements MarketFeed {
  readonly source = 'replay';
  private series: CandleSeries[] = [];
  private stopped = false;
  private ended = false;
  private lastTickAt: number | null = null;
  private wake: (() => void) | null = null;

  constructor(private readonly options: ReplayFeedOptions) {}

  loadMarkets(): Promise<ReadonlyMap<string, MarketSpec>> {
    return this.options.markets();
  }

  /** Loads the CSV files; throws a ConfigError naming the file when one is missing or malformed. */
  load(): CandleSeries[] {
    const { dataDir, exchange, symbols, timeframe, timeframeMs } = this.options;
    this.series = symbols.map((symbol) => loadCandleSeries(path.join(dataDir, replayFileName(exchange, symbol, timeframe)), symbol, timeframeMs));
    return this.series;
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  health(): FeedHealth {
    return { healthy: !this.ended && !this.stopped && this.lastTickAt !== null, lastTickAt: this.lastTickAt, staleSymbols: [], ended: this.ended };
  }

  async run(runOptions: FeedRunOptions, onBatch: (batch: CandleBatch) => void | Promise<void>): Promise<void> {
    if (this.series.length === 0) this.load();
    const timeline = mergeTimeline(this.series);
    const to = this.options.to ?? Infinity;
    // The candles before `to`: a loop starts again right after the last of them.
    const end = lowerBound(timeline, to);
    if (end === 0) {
      this.ended = true;
      return;
    }
    const first = timeline[0]!;
    const last = timeline[end - 1]!;
    const span = last - first + this.options.timeframeMs;
    const startAfter = this.options.from !== null ? this.options.from - 1 : runOptions.after ?? -Infinity;
    let shift = 0;
    if (this.options.loop && startAfter >= last) {
      shift = Math.ceil((startAfter - last + 1) / span) * span;
    }
    const cursor = new Cursor(this.series, timeline);
    let index = lowerBound(timeline, startAfter - shift + 1);
    await this.deliverWarmup(cursor, timeline, index, shift, runOptions.warmupCandles, onBatch);

    const { speed, clock } = this.options;
    const sliceMs = this.options.sliceMs ?? 8;
    let pace: { wall: number; market: number } | null = null;
    let sliceStart = clock.now();
    // Reading the clock costs about 100 ns, as much as a tenth of a backtest batch: when
    // batches are fast, it is read every `stride` batches, about 16 times per slice. The stride
    // doubles while reads come sooner than that, so that a backtest shorter than one slice does
    // not read it on every batch, and shrinks at once in proportion when they come later. It
    // stays at most MAX_STRIDE: batches that turn slow all at once overrun a slice by at most
    // that many of them.
    const readEveryMs = sliceMs / 16;
    let stride = 1;
    let untilClock = 0;
    let lastRead = sliceStart;
    while (!this.stopped) {
      if (index >= timeline.length || timeline[index]! >= to) {
        if (!this.options.loop) break;
        shift += span;
        index = 0;
        continue;
      }
      const ts = timeline[index]! + shift;
      if (speed !== 'max') {
        pace ??= { wall: clock.now(), market: ts };
        const due = pace.wall + (ts - pace.market) / speed;
        const wait = due - clock.now();
        if (wait > 0) {
          await this.sleep(wait);
          sliceStart = lastRead = clock.now();
        }
        if (this.stopped) break;
      }
      // Behind schedule or at max speed, nothing else would ever get a turn: yield every slice.
      if (--untilClock <= 0) {
        const now = clock.now();
        this.lastTickAt = now;
        const sinceRead = now - lastRead;
        if (sinceRead < readEveryMs) stride = Math.min(MAX_STRIDE, stride * 2);
        else if (sinceRead > 2 * readEveryMs) stride = Math.max(1, Math.floor((stride * readEveryMs) / sinceRead));
        lastRead = now;
        if (now - sliceStart >= sliceMs) {
          await yieldToLoop();
          sliceStart = lastRead = clock.now();
          if (this.stopped) break;
        }
        untilClock = stride;
      }
      const candles = cursor.at(index, shift);
      const pending = onBatch({ ts, candles, warmup: false });
      if (pending) await pending; // a synchronous consumer costs no microtask per candle
      index++;
    }
    if (!this.stopped) this.ended = true;
  }

  private async deliverWarmup(cursor: Cursor, timeline: Float64Array, index: number, shift: number, count: number, onBatch: (batch: CandleBatch) => void | Promise<void>): Promise<void> {
    for (let i = Math.max(0, index - count); i < index && !this.stopped; i++) {
      const pending = onBatch({ ts: timeline[i]! + shift, candles: cursor.at(i, shift), warmup: true });
      if (pending) await pending;
    }
  }

  private async sleep(ms: number): Promise<void> {
    const controller = new AbortController();
    this.wake = () => controller.abort();
    try {
      await delay(Math.min(ms, 1_000), undefined, { signal: controller.signal });
    } catch {
      // woken by stop()
    } finally {
      this.wake = null;
    }
  }
}

/** At most this many batches between two readings of the clock at full speed (see `run`). */
const MAX_STRIDE = 64;

/** Every distinct open time across the series, ascending: merges of the already sorted series. */
function mergeTimeline(series: readonly CandleSeries[]): Float64Array {
  let timeline: Float64Array = new Float64Array(0);
  for (const s of series) timeline = mergeSorted(timeline, s.ts);
  return timeline;
}

/** The union of two ascending arrays without duplicates, ascending. */
function mergeSorted(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    out[n++] = x < y ? x : y;
    if (x <= y) i++;
    if (y <= x) j++;
  }
  while (i < a.length) out[n++] = a[i++]!;
  while (j < b.length) out[n++] = b[j++]!;
  return out.subarray(0, n);
}

/** The first index of `sorted` (ascending) whose value is at least `value`. */
export function lowerBound(sorted: Float64Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Finds each series' candle for a timeline position by walking pointers forward. */
class Cursor {
  private readonly positions: number[];
  private lastIndex = -1;

  constructor(private readonly series: readonly CandleSeries[], private readonly timeline: Float64Array) {
    this.positions = series.map(() => 0);
  }

  at(index: number, shift: number): Candle[] {
    const ts = this.timeline[index]!;
    const candles: Candle[] = [];
    const rewind = index < this.lastIndex;
    for (let k = 0; k < this.series.length; k++) {
      const s = this.series[k]!;
      let p = rewind ? lowerBound(s.ts, ts) : this.positions[k]!;
      while (p < s.length && s.ts[p]! < ts) p++;
      this.positions[k] = p;
      if (p < s.length && s.ts[p] === ts) candles.push(candleAt(s, p, shift));
    }
    this.lastIndex = index;
    return candles;
  }
}
