import { describe, expect, it } from 'vitest';
import { evaluateChallengers } from '../../../src/monitoring/production/evaluate-challengers.js';
import type { DailyReturnRow } from '../../../src/ports/production-store.js';
import { repeat, series } from './fixtures.js';

const SETTINGS = { challenger_eval_period: 10, min_challenger_outperformance: 0.05, annualization_days: 365 };
const rows = (strategy: string, returns: readonly number[], start = '2026-01-01'): DailyReturnRow[] => series(returns, start).map((p) => ({ ...p, strategy, source: 'shadow' }));
const challenger = (id: string, started_at = '2026-01-01T00:00:00Z') => ({ id, started_at, added_by: 'operator:test', reason: 'test' });

describe('evaluateChallengers', () => {
  const returns = new Map([
    ['champ', rows('champ', repeat([1.02, -0.98], 10))],
    ['strong', rows('strong', repeat([1.2, -0.8], 10))],
    ['weak', rows('weak', repeat([0.9, -1.1], 10))],
    ['same', rows('same', repeat([1.02, -0.98], 10))],
    ['young', rows('young', repeat([2, -0.5], 2))],
  ]);
  const state = { champion: 'champ', challengers: ['weak', 'young', 'strong', 'same'].map((id) => challenger(id)) };
  const evaluations = evaluateChallengers(state, returns, SETTINGS);

  it('when challengers have enough days then they are ranked by paper Sharpe, the young ones after', () => {
    expect(evaluations.map((e) => [e.rank, e.strategy_id])).toEqual([
      [1, 'strong'],
      [2, 'same'],
      [3, 'weak'],
      [4, 'young'],
    ]);
  });

  it.each([
    ['strong', true, 'ready for promotion'],
    ['same', false, 'paper Sharpe 0.38 vs champion 0.38 (+0.00, needs more than +0.05)'],
    ['weak', false, 'paper Sharpe -1.91 vs champion 0.38'],
    ['young', false, '4 of 10 days of paper returns since 2026-01-01'],
  ])('when %s is evaluated then ready_for_promotion is %s (%s)', (id, ready, reason) => {
    const e = evaluations.find((x) => x.strategy_id === id)!;
    expect(e.ready_for_promotion).toBe(ready);
    expect(e.reasons.join('; ')).toContain(reason);
  });

  it('when a challenger started later then only its returns since then count, against the champion on the same dates', () => {
    const late = evaluateChallengers({ champion: 'champ', challengers: [challenger('strong', '2026-01-11T09:00:00Z')] }, returns, SETTINGS)[0]!;
    expect(late.days_evaluated).toBe(10);
    expect(late.evaluated).toBe(true);
    expect(late.paper_return).toBeCloseTo(((1.012 * 0.992) ** 5 - 1) * 100, 9);
    expect(late.vs_champion_return).toBeCloseTo(late.paper_return! - ((1.0102 * 0.9902) ** 5 - 1) * 100, 9);
  });

  it('when there are no challengers then the evaluation is empty', () => {
    expect(evaluateChallengers({ champion: 'champ', challengers: [] }, returns, SETTINGS)).toEqual([]);
  });
});
