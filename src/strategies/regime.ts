import type { Candle } from '../model/candle.js';

/**
 * Market regime labels for shadow decisions and the weekly report's per-regime edge.
 * `volatile` wins over the trend labels: a trend read during a volatility burst is not the
 * same market as a calm one.
 */
export const Regime = {
  BULL: 'bull',
  BEAR: 'bear',
  SIDEWAYS: 'sideways',
  VOLATILE: 'volatile',
} as const;
export type Regime = (typeof Regime)[keyof typeof Regime];

/** Periods are in candles of whatever timeframe is fed, so the rule is scale-free. */
export interface RegimeOptions {
  /** EMA of the close whose slope is the trend. */
  readonly emaPeriod: number;
  /** The slope is measured over this many candles. */
  readonly slopeLookback: number;
  /** Wilder ATR period (the unit of the slope and of volatility). */
  readonly atrPeriod: number;
  /** Slow average of ATR % that "normal volatility" is measured against. */
  readonly baselinePeriod: number;
  /** ATR % at least this many times its baseline → volatile. */
  readonly volatileRatio: number;
  /** EMA moved at least this many ATRs over the lookback → bull (up) or bear (down). */
  readonly trendAtr: number;
  /** A new label takes over once the rule has given it this many candles in a row (1 = at once). */
  readonly confirmCandles: number;
}

export const DEFAULT_REGIME_OPTIONS: RegimeOptions = {
  emaPeriod: 100,
  slopeLookback: 30,
  atrPeriod: 30,
  baselinePeriod: 1_000,
  volatileRatio: 1.5,
  trendAtr: 2,
  confirmCandles: 5,
};

/** The numbers behind a label, for logs and reports. */
export interface RegimeReading {
  /** The confirmed label. */
  readonly regime: Regime;
  /** What the rule says on this candle alone. */
  readonly raw: Regime;
  /** (EMA now − EMA `slopeLookback` candles ago) ÷ ATR now. */
  readonly trend_atr: number;
  /** ATR as a percentage of the close. */
  readonly atr_pct: number;
  /** ATR % ÷ its baseline. */
  readonly vol_ratio: number;
}

/** A copy of one symbol's state: fixed size whatever the number of candles seen. */
export interface RegimeState {
  readonly seen: number;
  readonly lastTs: number;
  readonly prevClose: number;
  readonly ema: number;
  readonly atr: number;
  readonly baselineAtrPct: number;
  readonly emaHistory: readonly number[];
  readonly candidate: Regime | null;
  readonly candidateRun: number;
}

export interface RegimeTracker {
  /** Feeds one closed candle (market time); returns the symbol's label, null while warming up. A candle not newer than the last one of its symbol is ignored. */
  onCandle(candle: Candle): Regime | null;
  regimeOf(symbol: string): Regime | null;
  readingOf(symbol: string): RegimeReading | null;
  stateOf(symbol: string): RegimeState | null;
}

interface SymbolState {
  seen: number;
  lastTs: number;
  prevClose: number;
  ema: number;
  atr: number;
  baselineAtrPct: number;
  /** Ring of the last `slopeLookback` EMA values; `head` is the next slot to write, holding the oldest. */
  readonly ring: Float64Array;
  head: number;
  /** The label the rule has been giving, and for how many candles in a row. */
  candidate: Regime | null;
  candidateRun: number;
  reading: RegimeReading | null;
}

/**
 * Labels each symbol's market from its candles, O(1) time and memory per candle: an EMA, a
 * Wilder ATR, a slow baseline of ATR % and a fixed ring of past EMA values. Averages start as
 * running means (weight 1/n until n reaches the period), so no seed value is invented.
 *
 * Rule, in order: ATR % ≥ `volatileRatio` × baseline → volatile; EMA slope over
 * `slopeLookback` candles ≥ `trendAtr` ATRs → bull; ≤ −`trendAtr` ATRs → bear; else sideways.
 * A change of label waits until the rule has given the new one `confirmCandles` times in a row,
 * so one odd candle does not flip it. No label until `emaPeriod + slopeLookback` candles.
 */
export function createRegimeTracker(overrides: Partial<RegimeOptions> = {}): RegimeTracker {
  const options = { ...DEFAULT_REGIME_OPTIONS, ...overrides };
  validate(options);
  const warmup = options.emaPeriod + options.slopeLookback;
  const emaAlpha = 2 / (options.emaPeriod + 1);
  const baselineAlpha = 2 / (options.baselinePeriod + 1);
  const states = new Map<string, SymbolState>();

  const update = (s: SymbolState, candle: Candle): void => {
    s.seen++;
    const trueRange = s.seen === 1 ? candle.high - candle.low : Math.max(candle.high - candle.low, Math.abs(candle.high - s.prevClose), Math.abs(candle.low - s.prevClose));
    s.prevClose = candle.close;
    s.lastTs = candle.ts;
    s.ema = s.seen === 1 ? candle.close : s.ema + Math.max(emaAlpha, 1 / s.seen) * (candle.close - s.ema);
    s.atr = s.seen === 1 ? trueRange : s.atr + (trueRange - s.atr) / Math.min(options.atrPeriod, s.seen);
    const atrPct = candle.close > 0 ? (s.atr / candle.close) * 100 : 0;
    s.baselineAtrPct = s.seen === 1 ? atrPct : s.baselineAtrPct + Math.max(baselineAlpha, 1 / s.seen) * (atrPct - s.baselineAtrPct);
    const oldest = s.ring[s.head]!; // the EMA of slopeLookback candles ago, once the ring is full
    s.ring[s.head] = s.ema;
    s.head = (s.head + 1) % s.ring.length;
    if (s.seen < warmup) return;
    const trendAtr = s.atr > 0 ? (s.ema - oldest) / s.atr : 0;
    const volRatio = s.baselineAtrPct > 0 ? atrPct / s.baselineAtrPct : 1;
    const raw = classify(trendAtr, volRatio, options);
    s.candidateRun = raw === s.candidate ? s.candidateRun + 1 : 1;
    s.candidate = raw;
    const current = s.reading?.regime ?? null;
    // The first label needs no confirmation: there is nothing to flicker away from yet.
    const regime = current === null || s.candidateRun >= options.confirmCandles ? raw : current;
    s.reading = { regime, raw, trend_atr: trendAtr, atr_pct: atrPct, vol_ratio: volRatio };
  };

  return {
    onCandle(candle) {
      let s = states.get(candle.symbol);
      if (!s) {
        s = { seen: 0, lastTs: -Infinity, prevClose: 0, ema: 0, atr: 0, baselineAtrPct: 0, ring: new Float64Array(options.slopeLookback), head: 0, candidate: null, candidateRun: 0, reading: null };
        states.set(candle.symbol, s);
      }
      if (candle.ts > s.lastTs && isUsable(candle)) update(s, candle);
      return s.reading?.regime ?? null;
    },
    regimeOf: (symbol) => states.get(symbol)?.reading?.regime ?? null,
    readingOf: (symbol) => states.get(symbol)?.reading ?? null,
    stateOf(symbol) {
      const s = states.get(symbol);
      if (!s) return null;
      const ring = [...s.ring.subarray(s.head), ...s.ring.subarray(0, s.head)];
      return { seen: s.seen, lastTs: s.lastTs, prevClose: s.prevClose, ema: s.ema, atr: s.atr, baselineAtrPct: s.baselineAtrPct, emaHistory: ring, candidate: s.candidate, candidateRun: s.candidateRun };
    },
  };
}

function classify(trendAtr: number, volRatio: number, options: RegimeOptions): Regime {
  if (volRatio >= options.volatileRatio) return Regime.VOLATILE;
  if (trendAtr >= options.trendAtr) return Regime.BULL;
  if (trendAtr <= -options.trendAtr) return Regime.BEAR;
  return Regime.SIDEWAYS;
}

/** A candle with a non-finite or non-positive price would poison the averages for good. */
function isUsable(c: Candle): boolean {
  return [c.open, c.high, c.low, c.close].every((v) => Number.isFinite(v) && v > 0) && c.high >= c.low;
}

function validate(o: RegimeOptions): void {
  for (const key of ['emaPeriod', 'slopeLookback', 'atrPeriod', 'baselinePeriod', 'confirmCandles'] as const) {
    if (!Number.isInteger(o[key]) || o[key] < 1) throw new RangeError(`regime option ${key} must be an integer >= 1, got ${o[key]}`);
  }
  if (!(o.volatileRatio > 1)) throw new RangeError(`regime option volatileRatio must be > 1, got ${o.volatileRatio}`);
  if (!(o.trendAtr > 0)) throw new RangeError(`regime option trendAtr must be > 0, got ${o.trendAtr}`);
}
