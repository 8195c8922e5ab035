import { describe, expect, it } from 'vitest';
import type { Candle } from '../../../src/model/candle.js';
import { createRegimeTracker, DEFAULT_REGIME_OPTIONS, Regime, type RegimeOptions } from '../../../src/strategies/regime.js';
import { candlesFromCloses, loadReplayCandles } from '../../support/candles.js';

const WARMUP = DEFAULT_REGIME_OPTIONS.emaPeriod + DEFAULT_REGIME_OPTIONS.slopeLookback;

/** A small wobble so that no series is a perfectly straight line. */
const wobble = (i: number, size: number) => size * Math.sin(i * 0.7) + size * 0.5 * Math.sin(i * 2.3);

const SERIES: Record<string, number[]> = {
  up: Array.from({ length: 400 }, (_, i) => 100 * 1.001 ** i + wobble(i, 0.05)),
  down: Array.from({ length: 400 }, (_, i) => 100 * 0.999 ** i + wobble(i, 0.05)),
  flat: Array.from({ length: 400 }, (_, i) => 100 + wobble(i, 0.3)),
  // Calm for a long while, then ranges ten times wider: the same market in a volatility burst.
  volatile: [...Array.from({ length: 1200 }, (_, i) => 100 + wobble(i, 0.05)), ...Array.from({ length: 60 }, (_, i) => 100 + wobble(i + 1200, 1.5))],
};

function labels(candles: readonly Candle[], options: Partial<RegimeOptions> = {}) {
  const tracker = createRegimeTracker(options);
  return candles.map((c) => tracker.onCandle(c));
}

describe('createRegimeTracker on synthetic series', () => {
  it.each([
    ['a steady rise', 'up', Regime.BULL],
    ['a steady fall', 'down', Regime.BEAR],
    ['a flat wobble', 'flat', Regime.SIDEWAYS],
    ['a volatility burst after a calm spell', 'volatile', Regime.VOLATILE],
  ])('when the market shows %s then the last label is %s', (_what, series, expected) => {
    const seen = labels(candlesFromCloses(SERIES[series]!));
    expect(seen.at(-1)).toBe(expected);
  });

  it.each([
    ['a steady rise', 'up', Regime.BULL],
    ['a steady fall', 'down', Regime.BEAR],
    ['a flat wobble', 'flat', Regime.SIDEWAYS],
  ])('when the market shows %s throughout then every label after warm-up is %s', (_what, series, expected) => {
    const seen = labels(candlesFromCloses(SERIES[series]!)).slice(WARMUP);
    expect(new Set(seen)).toEqual(new Set([expected]));
  });

  it('when fewer candles than the warm-up have been seen then there is no label, and the first comes right at the warm-up', () => {
    const seen = labels(candlesFromCloses(SERIES.up!));
    expect(seen.slice(0, WARMUP - 1).every((l) => l === null)).toBe(true);
    expect(seen[WARMUP - 1]).not.toBeNull();
  });

  it('when one candle breaks the pattern then the label does not flip until the rule has said so confirmCandles times in a row', () => {
    const closes = [...SERIES.up!];
    const tracker = createRegimeTracker({ volatileRatio: 1.2 });
    const candles = candlesFromCloses(closes);
    for (const c of candles) tracker.onCandle(c);
    const last = candles.at(-1)!;
    // One wide candle makes the rule say volatile once; the confirmed label stays bull.
    const spike = { ...last, ts: last.ts + 60_000, high: last.close * 1.05, low: last.close * 0.95 };
    expect(tracker.onCandle(spike)).toBe(Regime.BULL);
    expect(tracker.readingOf(spike.symbol)?.raw).toBe(Regime.VOLATILE);
  });

  it('when a candle is not newer than the last one of its symbol then it is ignored', () => {
    const tracker = createRegimeTracker();
    const candles = candlesFromCloses(SERIES.up!);
    for (const c of candles) tracker.onCandle(c);
    const before = tracker.stateOf('TEST/USDT');
    tracker.onCandle({ ...candles[10]!, close: 1 });
    tracker.onCandle({ ...candles.at(-1)!, close: 1 });
    expect(tracker.stateOf('TEST/USDT')).toEqual(before);
  });

  it.each([
    ['a NaN close', { close: Number.NaN }],
    ['a zero low', { low: 0 }],
    ['a high below the low', { high: 1, low: 2 }],
  ])('when a candle has %s then it is ignored', (_what, patch) => {
    const tracker = createRegimeTracker();
    const candles = candlesFromCloses(SERIES.up!);
    for (const c of candles) tracker.onCandle(c);
    const before = tracker.stateOf('TEST/USDT');
    tracker.onCandle({ ...candles.at(-1)!, ts: candles.at(-1)!.ts + 60_000, ...patch });
    expect(tracker.stateOf('TEST/USDT')).toEqual(before);
  });

  it.each([
    ['emaPeriod 0', { emaPeriod: 0 }],
    ['slopeLookback 1.5', { slopeLookback: 1.5 }],
    ['volatileRatio 1', { volatileRatio: 1 }],
    ['trendAtr 0', { trendAtr: 0 }],
    ['confirmCandles 0', { confirmCandles: 0 }],
  ])('when an option is out of range (%s) then creating the tracker throws', (_what, options) => {
    expect(() => createRegimeTracker(options)).toThrow(RangeError);
  });

  it('when no candle of a symbol has been seen then it has no label, reading or state', () => {
    const tracker = createRegimeTracker();
    expect(tracker.regimeOf('BTC/USDT')).toBeNull();
    expect(tracker.readingOf('BTC/USDT')).toBeNull();
    expect(tracker.stateOf('BTC/USDT')).toBeNull();
  });
});

describe('createRegimeTracker on the bundled real candles', () => {
  const btc = loadReplayCandles('BTC', '1m');
  const eth = loadReplayCandles('ETH', '1m');

  it('when the same candles are fed twice then the labels are identical (deterministic, market time only)', () => {
    expect(labels(btc)).toEqual(labels(btc));
  });

  it('when symbols are interleaved then each is labelled as if it were alone', () => {
    const merged = [...btc.slice(0, 5000), ...eth.slice(0, 5000)].sort((a, b) => a.ts - b.ts || (a.symbol < b.symbol ? -1 : 1));
    const tracker = createRegimeTracker();
    const together = new Map<string, Array<string | null>>([['BTC/USDT', []], ['ETH/USDT', []]]);
    for (const c of merged) together.get(c.symbol)!.push(tracker.onCandle(c));
    expect(together.get('BTC/USDT')).toEqual(labels(btc.slice(0, 5000)));
    expect(together.get('ETH/USDT')).toEqual(labels(eth.slice(0, 5000)));
  });

  it('when 60 000 candles have been seen then the state is the same size as after 1 000 (O(1) memory per symbol)', () => {
    const small = createRegimeTracker();
    for (const c of btc.slice(0, 1_000)) small.onCandle(c);
    const large = createRegimeTracker();
    for (const c of btc.slice(0, 60_000)) large.onCandle(c);
    const a = small.stateOf('BTC/USDT')!;
    const b = large.stateOf('BTC/USDT')!;
    expect(Object.keys(b)).toEqual(Object.keys(a));
    expect(b.emaHistory).toHaveLength(DEFAULT_REGIME_OPTIONS.slopeLookback);
    expect(a.emaHistory).toHaveLength(DEFAULT_REGIME_OPTIONS.slopeLookback);
    expect(b.seen).toBe(60_000);
  });

  it('when six weeks of BTC 1m candles are labelled then all four regimes occur and sideways is the most common', () => {
    const counts = new Map<string | null, number>();
    for (const label of labels(btc)) counts.set(label, (counts.get(label) ?? 0) + 1);
    for (const regime of Object.values(Regime)) expect(counts.get(regime) ?? 0).toBeGreaterThan(btc.length * 0.02);
    const sideways = counts.get(Regime.SIDEWAYS) ?? 0;
    for (const regime of [Regime.BULL, Regime.BEAR, Regime.VOLATILE]) expect(sideways).toBeGreaterThan(counts.get(regime) ?? 0);
  });

  it('when a reading is given then it agrees with its label', () => {
    const tracker = createRegimeTracker();
    for (const c of btc.slice(0, 20_000)) {
      tracker.onCandle(c);
      const r = tracker.readingOf(c.symbol);
      if (!r || r.raw !== r.regime) continue;
      if (r.regime === Regime.VOLATILE) expect(r.vol_ratio).toBeGreaterThanOrEqual(DEFAULT_REGIME_OPTIONS.volatileRatio);
      else expect(r.vol_ratio).toBeLessThan(DEFAULT_REGIME_OPTIONS.volatileRatio);
      if (r.regime === Regime.BULL) expect(r.trend_atr).toBeGreaterThanOrEqual(DEFAULT_REGIME_OPTIONS.trendAtr);
      if (r.regime === Regime.BEAR) expect(r.trend_atr).toBeLessThanOrEqual(-DEFAULT_REGIME_OPTIONS.trendAtr);
      if (r.regime === Regime.SIDEWAYS) expect(Math.abs(r.trend_atr)).toBeLessThan(DEFAULT_REGIME_OPTIONS.trendAtr);
    }
  });
});
