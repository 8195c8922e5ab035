import { describe, expect, it } from 'vitest';
import { collectShadowLog, toMarketMs } from '../../../../src/reports/daily/shadow-log.js';
import { decision, outcome } from './fixtures.js';

describe('collectShadowLog', () => {
  it('when market times are ISO or ms then both place the decision at the same instant', () => {
    const iso = decision('2023-03-22T10:00:00.000Z');
    const ms = decision('2023-03-22T10:00:00.000Z', { market_time: Date.parse('2023-03-22T10:00:00.000Z') });
    const log = collectShadowLog([iso, ms]);
    expect(log.decisions.map((d) => d.market_time)).toEqual([Date.parse('2023-03-22T10:00:00.000Z'), Date.parse('2023-03-22T10:00:00.000Z')]);
  });

  it.each([
    ['no id', { id: undefined }],
    ['no symbol', { symbol: 42 }],
    ['a market time that is no date', { market_time: 'yesterday' }],
    ['an unknown type', { type: 'note' }],
  ])('when a decision line has %s then it is counted as invalid and left out', (_what, patch) => {
    const log = collectShadowLog([decision('2023-03-22T10:00:00Z', patch), 'just a string', null]);
    expect(log.decisions).toHaveLength(0);
    expect(log.invalidLines).toBe(3);
  });

  it('when a batch was replayed after a crash then the first line per decision id and per (id, horizon) is kept and repeats are counted', () => {
    const d = decision('2023-03-22T10:00:00Z');
    const first = outcome(d.id, { return_pct: 1 });
    const again = outcome(d.id, { return_pct: 9 });
    const log = collectShadowLog([d, { ...d, confidence: 0.1 }, first, again, outcome(d.id, { horizon: '4h' })]);
    expect(log.decisions).toHaveLength(1);
    expect(log.decisions[0]!.confidence).toBe(0.7);
    expect(log.outcomes.get(d.id as string)?.map((o) => [o.horizon, o.return_pct])).toEqual([['1h', 1], ['4h', 1]]);
    expect(log.duplicates).toBe(2);
    expect(log.totalDecisions).toBe(1);
  });

  it('when a window is given then only its decisions and their outcomes are kept, and the all-time count stops at its end', () => {
    const before = decision('2023-03-21T23:59:00Z');
    const inside = decision('2023-03-22T12:00:00Z');
    const after = decision('2023-03-23T00:00:00Z');
    const log = collectShadowLog([before, inside, after, outcome(before.id), outcome(inside.id)], { from: Date.parse('2023-03-22T00:00:00Z'), to: Date.parse('2023-03-23T00:00:00Z') });
    expect(log.decisions.map((d) => d.id)).toEqual([inside.id]);
    expect([...log.outcomes.keys()]).toEqual([inside.id]);
    expect(log.totalDecisions).toBe(2);
    expect(log.firstDecisionAt).toBe(Date.parse('2023-03-21T23:59:00Z'));
  });

  it.each([
    ['long', true],
    ['LONG', true],
    ['buy', true],
    ['exit', false],
    ['hold', false],
    [undefined, false],
  ])('when the action is %s then entry is %s', (action, entry) => {
    expect(collectShadowLog([decision('2023-03-22T10:00:00Z', { action })]).decisions[0]?.entry).toBe(entry);
  });

  it('when fields have the wrong type then they read as null rather than as a made-up value', () => {
    const d = collectShadowLog([decision('2023-03-22T10:00:00Z', { confidence: '0.9', regime: 7, gate: 'yes', cost_estimate_pct: Number.NaN })]).decisions[0]!;
    expect([d.confidence, d.regime, d.gate_allowed, d.cost_estimate_pct]).toEqual([null, null, null, null]);
    expect(d.gate_reasons).toEqual([]);
  });
});

describe('toMarketMs', () => {
  it.each([
    [1679443200000, 1679443200000],
    ['2023-03-22T00:00:00.000Z', 1679443200000],
    ['22/03/2023', null],
    [Number.POSITIVE_INFINITY, null],
    [null, null],
  ])('when given %s then it reads %s', (value, expected) => {
    expect(toMarketMs(value)).toBe(expected);
  });
});
