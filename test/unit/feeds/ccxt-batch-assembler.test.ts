import { describe, expect, it } from 'vitest';
import { BatchAssembler } from '../../../src/feeds/ccxt/batch-assembler.js';
import type { Candle } from '../../../src/model/candle.js';

const MIN = 60_000;
const c = (symbol: string, minute: number): Candle => ({ symbol, ts: minute * MIN, open: 1, high: 1, low: 1, close: 1, volume: 1 });
const cursors = (entries: Record<string, number | null>) => new Map(Object.entries(entries).map(([s, m]) => [s, m === null ? null : m * MIN]));
const view = (batches: Array<{ ts: number; candles: readonly Candle[]; warmup: boolean }>) => batches.map((b) => [b.ts / MIN, b.candles.map((x) => x.symbol).join(','), b.warmup]);

describe('BatchAssembler', () => {
  it('when all symbols reported the same open times then each goes out once as one batch, in time order', () => {
    const a = new BatchAssembler(['A', 'B'], null);
    a.add('B', [c('B', 1), c('B', 2)]);
    a.add('A', [c('A', 1), c('A', 2)]);
    expect(view(a.release(cursors({ A: 2, B: 2 }), ['A', 'B']).batches)).toEqual([[1, 'A,B', false], [2, 'A,B', false]]);
    expect(a.release(cursors({ A: 2, B: 2 }), ['A', 'B']).batches).toEqual([]);
  });

  it('when one symbol is behind then the others wait for it while it is expected', () => {
    const a = new BatchAssembler(['A', 'B'], null);
    a.add('A', [c('A', 1), c('A', 2)]);
    a.add('B', [c('B', 1)]);
    expect(view(a.release(cursors({ A: 2, B: 1 }), ['A', 'B']).batches)).toEqual([[1, 'A,B', false]]);
    a.add('B', [c('B', 2)]);
    expect(view(a.release(cursors({ A: 2, B: 2 }), ['A', 'B']).batches)).toEqual([[2, 'A,B', false]]);
  });

  it('when a symbol is stale then the others go on, and its late candles are dropped and counted', () => {
    const a = new BatchAssembler(['A', 'B'], null);
    a.add('A', [c('A', 1), c('A', 2)]);
    expect(a.release(cursors({ A: 2, B: 0 }), ['A', 'B']).batches).toEqual([]);
    expect(view(a.release(cursors({ A: 2, B: 0 }), ['A']).batches)).toEqual([[1, 'A', false], [2, 'A', false]]);
    a.add('B', [c('B', 1), c('B', 2), c('B', 3)]);
    a.add('A', [c('A', 3)]);
    const { batches, late } = a.release(cursors({ A: 3, B: 3 }), ['A', 'B']);
    expect(view(batches)).toEqual([[3, 'A,B', false]]);
    expect(late).toEqual(new Map([['B', 2]]));
  });

  it('when no symbol has polled yet then nothing goes out', () => {
    const a = new BatchAssembler(['A', 'B'], null);
    a.add('A', [c('A', 1)]);
    expect(a.release(cursors({ A: 1, B: null }), ['A', 'B']).batches).toEqual([]);
  });

  it('when history was fetched then batches up to the slowest history edge are warm-up', () => {
    const a = new BatchAssembler(['A', 'B'], null);
    a.noteHistory('A', 3 * MIN);
    a.noteHistory('B', 2 * MIN);
    a.add('A', [c('A', 1), c('A', 2), c('A', 3)]);
    a.add('B', [c('B', 1), c('B', 2)]);
    a.add('B', [c('B', 3)]);
    expect(view(a.release(cursors({ A: 3, B: 3 }), ['A', 'B']).batches)).toEqual([[1, 'A,B', true], [2, 'A,B', true], [3, 'A,B', false]]);
  });

  it('when the resume point is later than the history then batches up to it are warm-up too', () => {
    const a = new BatchAssembler(['A'], 4 * MIN);
    a.noteHistory('A', 2 * MIN);
    a.add('A', [c('A', 2), c('A', 3), c('A', 4), c('A', 5)]);
    expect(view(a.release(cursors({ A: 5 }), ['A']).batches)).toEqual([[2, 'A', true], [3, 'A', true], [4, 'A', true], [5, 'A', false]]);
  });
});
