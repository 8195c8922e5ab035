import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Candle } from '../../../src/model/candle.js';
import { closeAboveSma } from '../../../src/strategies/close-above-sma.js';
import { createStrategy } from '../../../src/strategies/registry.js';
import type { Strategy, StrategyParams } from '../../../src/strategies/strategy.js';
import { loadReplayCandles } from '../../support/candles.js';
import { COST_PCT, exits, longs, run, type Emitted } from './harness.js';

const btc = loadReplayCandles('BTC', '5m');
const eth = loadReplayCandles('ETH', '5m');

/** Every strategy, with parameters that give it a target so the bracket can be checked. */
const CASES: ReadonlyArray<readonly [string, StrategyParams]> = [
  ['ema_trend', {}],
  ['rsi_revert', {}],
  ['donchian_breakout', { atr_target_mult: 6 }],
  ['close_above_sma', {}],
];

/** A registered strategy, or the README's example, which is deliberately not registered. */
function build(id: string, params: StrategyParams): Strategy {
  return id === closeAboveSma.id ? closeAboveSma.create({ ...closeAboveSma.defaults, ...params }) : createStrategy(id, params);
}

const upTo = (emitted: readonly Emitted[], index: number): Emitted[] => emitted.filter((e) => e.index < index);

describe.each(CASES)('%s on real BTC 5m candles', (id, params) => {
  const make = () => build(id, params);
  const followed = run(make(), btc, 'follow');

  it('when run over the whole recording then it enters and exits with stop below price and target above', () => {
    expect(longs(followed).length).toBeGreaterThan(0);
    expect(exits(followed).length).toBeGreaterThan(0);
    for (const { signal } of longs(followed)) {
      expect(signal.stop).toBeLessThan(signal.price);
      expect(signal.target).toBeGreaterThan(signal.price);
    }
  });

  it('when a signal is emitted then its record is normalised', () => {
    for (const { index, signal } of followed) {
      const candle = btc[index]!;
      expect(signal).toMatchObject({ strategy: id, symbol: 'BTC/USDT', market_time: candle.ts, price: candle.close, cost_estimate_pct: COST_PCT });
      expect(signal.reason).toMatch(/^[a-z]+(_[a-z]+)*$/);
      for (const value of [signal.score, signal.threshold, signal.confidence]) {
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThanOrEqual(1);
      }
      expect(Number.isFinite(signal.expected_value_pct)).toBe(true);
    }
  });

  it('when following its own signals then entries and exits alternate, starting with an entry', () => {
    expect(followed.map((e) => e.signal.direction)).toEqual(followed.map((_, i) => (i % 2 === 0 ? 'long' : 'exit')));
  });

  it.each(['flat', 'holding'] as const)('when the account is always %s then nothing is signalled before warm-up', (mode) => {
    const strategy = make();
    const emitted = run(strategy, btc, mode);
    expect(emitted.length).toBeGreaterThan(0);
    expect(Math.min(...emitted.map((e) => e.index))).toBeGreaterThanOrEqual(strategy.warmupCandles - 1);
  });

  it('when fed candles then it is warm exactly after warmupCandles of that symbol', () => {
    const strategy = make();
    const context = { costEstimatePct: COST_PCT, hasPosition: () => false };
    btc.slice(0, strategy.warmupCandles - 1).forEach((c) => strategy.onCandle(c, context));
    expect(strategy.isWarm('BTC/USDT')).toBe(false);
    strategy.onCandle(btc[strategy.warmupCandles - 1]!, context);
    expect(strategy.isWarm('BTC/USDT')).toBe(true);
    expect(strategy.isWarm('ETH/USDT')).toBe(false);
  });

  it('when the account is flat then it only enters, and when holding it only exits', () => {
    const flat = run(make(), btc, 'flat');
    const holding = run(make(), btc, 'holding');
    expect(exits(flat)).toEqual([]);
    expect(longs(flat).length).toBeGreaterThan(0);
    expect(longs(holding)).toEqual([]);
    expect(exits(holding).length).toBeGreaterThan(0);
  });

  it('when run twice on the same candles then the signals are identical', () => {
    expect(run(make(), btc, 'follow')).toEqual(followed);
  });

  it('when another symbol is interleaved then this symbol gets exactly the signals of a run on its own', () => {
    const mixed: Candle[] = btc.flatMap((c, i) => (eth[i] ? [c, eth[i]] : [c]));
    const both = run(make(), mixed, 'follow');
    const btcOnly = both.filter((e) => e.signal.symbol === 'BTC/USDT').map((e) => e.signal);
    expect(btcOnly).toEqual(followed.map((e) => e.signal));
    expect(both.some((e) => e.signal.symbol === 'ETH/USDT')).toBe(true);
  });

  it.each([500, 3_000, 9_999])('when the recording stops after %i candles then the signals so far are the same as in the full run', (cut) => {
    expect(run(make(), btc.slice(0, cut), 'follow')).toEqual(upTo(followed, cut));
  });

  it.each([
    [700, 1.05],
    [4_321, 0.95],
    [10_000, 1.1],
  ])('when candle %i is changed (close x%f) then no earlier signal changes', (k, factor) => {
    const changed = btc.map((c, i) => {
      if (i !== k) return c;
      const close = c.close * factor;
      return { ...c, close, high: Math.max(c.high, close), low: Math.min(c.low, close) };
    });
    expect(upTo(run(make(), changed, 'follow'), k)).toEqual(upTo(followed, k));
  });
});

describe('the README example strategy', () => {
  it('when the README shows how to write a strategy then its code is exactly src/strategies/close-above-sma.ts', () => {
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const block = /### Writing a strategy[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBe(fs.readFileSync(path.join(root, 'src', 'strategies', 'close-above-sma.ts'), 'utf8'));
  });

  it('when it is not registered then no config can select it', () => {
    expect(() => createStrategy('close_above_sma')).toThrow(/unknown strategy "close_above_sma"/);
  });
});

describe.each(['rsi_revert', 'donchian_breakout'])('%s with min_score', (id) => {
  it('when min_score is set then only the entries scoring at least min_score are signalled, each carrying it as its threshold', () => {
    const all = longs(run(createStrategy(id), btc, 'flat'));
    const minScore = [...all.map((e) => e.signal.score)].sort((a, b) => a - b)[Math.floor(all.length / 2)]!;
    const strong = all.filter((e) => e.signal.score >= minScore).map((e) => e.index);
    expect(strong.length).toBeGreaterThan(0);
    expect(strong.length).toBeLessThan(all.length);
    const entries = longs(run(createStrategy(id, { min_score: minScore }), btc, 'flat'));
    expect(entries.map((e) => e.index)).toEqual(strong);
    expect(entries.every((e) => e.signal.threshold === minScore && e.signal.score >= e.signal.threshold)).toBe(true);
  });
});
