import { describe, expect, it } from 'vitest';
import { evaluatePromotionGates, type WeeklyEvidence } from '../../../src/readiness/promotion-gates.js';
import { NOW } from './fixtures.js';

const week = (n: number, overrides: Partial<WeeklyEvidence> = {}): WeeklyEvidence => ({
  week: `2026-W${String(n).padStart(2, '0')}`,
  edge_positive: true,
  delta_pnl: 120,
  hit_rate: 0.58,
  incremental_sharpe: 0.45,
  max_drawdown_pct: 3.2,
  btc_mitigated: true,
  decisions: 300,
  ...overrides,
});
const twelve = (overrides: (n: number) => Partial<WeeklyEvidence> = () => ({})) => Array.from({ length: 12 }, (_, i) => week(i + 1, overrides(i + 1)));
const SIGNED = [{ name: 'Ada Lovelace', at: '2026-03-30T09:00:00.000Z' }];

describe('evaluatePromotionGates', () => {
  it('when there is no evidence at all then every gate fails with "no data yet"', () => {
    const summary = evaluatePromotionGates({ weeks: [], signOffs: [], now: NOW });
    expect(summary).toMatchObject({ schema_version: 1, phase: '2C', verdict: 'NO_GO', gates_passed: 0, gates_total: 7, generated_at: new Date(NOW).toISOString() });
    expect(summary.gates.map((g) => [g.key, g.passed, g.reason])).toEqual([
      ['data_collection', false, 'no data yet'],
      ['positive_edge', false, 'no data yet'],
      ['hit_rate', false, 'no data yet'],
      ['incremental_sharpe', false, 'no data yet'],
      ['max_drawdown', false, 'no data yet'],
      ['btc_mitigation', false, 'no data yet'],
      ['human_sign_off', false, 'no data yet'],
    ]);
  });

  it('when 12 good weeks and a sign-off are in then every gate passes with its measured value', () => {
    const summary = evaluatePromotionGates({ weeks: twelve(), signOffs: SIGNED, now: NOW });
    expect(summary.verdict).toBe('GO');
    expect(summary.no_go_reasons).toEqual([]);
    expect(Object.fromEntries(summary.gates.map((g) => [g.key, g.measured]))).toEqual({
      data_collection: 12,
      positive_edge: '12/12',
      hit_rate: 0.58,
      incremental_sharpe: 0.45,
      max_drawdown: 3.2,
      btc_mitigation: 'true',
      human_sign_off: 'Ada Lovelace at 2026-03-30T09:00:00.000Z',
    });
  });

  it.each<[string, WeeklyEvidence[], string, string]>([
    ['11 weeks', twelve().slice(1), 'data_collection', '11 week(s) of weekly shadow reports, 12 needed'],
    ['3 losing weeks of 12', twelve((n) => (n <= 3 ? { edge_positive: false, delta_pnl: -50 } : {})), 'positive_edge', 'edge positive in 9 of 12 week(s), total ΔPnL 930.00'],
    ['a hit rate of 52 %', twelve(() => ({ hit_rate: 0.52 })), 'hit_rate', 'hit rate 52.0%'],
    ['an incremental Sharpe of 0.2', twelve(() => ({ incremental_sharpe: 0.2 })), 'incremental_sharpe', 'incremental Sharpe 0.20'],
    ['a drawdown of 5.1 % in one week', twelve((n) => (n === 7 ? { max_drawdown_pct: 5.1 } : {})), 'max_drawdown', 'max drawdown 5.10%'],
    ['a BTC diagnosis without improvement', twelve((n) => (n === 12 ? { btc_mitigated: false } : {})), 'btc_mitigation', 'the latest BTC diagnosis shows no improvement'],
    ['no BTC diagnosis in any report', twelve(() => ({ btc_mitigated: null })), 'btc_mitigation', 'no data yet'],
  ])('when the evidence has %s then that gate alone fails with its reason', (_, weeks, key, reason) => {
    const summary = evaluatePromotionGates({ weeks, signOffs: SIGNED, now: NOW });
    expect(summary.verdict).toBe('NO_GO');
    expect(summary.gates.filter((g) => !g.passed).map((g) => [g.key, g.reason])).toEqual([[key, reason]]);
    expect(summary.no_go_reasons).toHaveLength(1);
  });

  it('when weeks differ in size then hit rate and Sharpe are weighted by decisions, and a hit rate in percent is read as one', () => {
    const summary = evaluatePromotionGates({ weeks: [week(1, { hit_rate: 50, decisions: 100 }), week(2, { hit_rate: 0.6, decisions: 300 })], signOffs: SIGNED, now: NOW });
    expect(summary.gates.find((g) => g.key === 'hit_rate')?.measured).toBe(0.575);
  });
});
