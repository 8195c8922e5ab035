import path from 'node:path';
import fs from 'node:fs';
import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../src/config/load-config.js';
import { productionSchema } from '../../../src/config/production-schema.js';
import { generateCandidates } from '../../../src/app/reevolution/generate-candidates.js';
import { parameterSpace, rangeValues } from '../../../src/app/reevolution/parameter-space.js';
import { runReevolution } from '../../../src/app/reevolution/run-reevolution.js';
import { walkForwardWindows } from '../../../src/app/reevolution/walk-forward.js';
import { seedProduction } from '../../../src/monitoring/production/seed-production.js';
import { AT, openTestStore } from './store.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const DATA = path.join(ROOT, 'data', 'replay');
const CONFIG = parseConfigText('feed: { timeframe: 5m }\ngate: { min_confidence: 0, min_ev_cost_ratio: 0, per_symbol: {} }\n', 'test.yaml');

let closers: Array<() => void> = [];
afterEach(() => {
  for (const close of closers) close();
  closers = [];
});

describe('walk-forward windows', () => {
  it('when the data spans weeks then the last lookback days split at UTC midnight, in-sample first', () => {
    const start = Date.parse('2023-03-16T22:15:00Z');
    const end = Date.parse('2023-05-01T20:55:00Z');
    const w = walkForwardWindows({ start, end }, 300_000, 10, 0.7);
    expect(new Date(w.from).toISOString()).toBe('2023-04-21T00:00:00.000Z');
    expect(new Date(w.split).toISOString()).toBe('2023-04-28T00:00:00.000Z');
    expect(w.to).toBe(end + 300_000);
  });

  it('when the data is shorter than two days then it is refused with the span', () => {
    expect(() => walkForwardWindows({ start: 0, end: 3_600_000 }, 60_000, 30, 0.7)).toThrow('too short');
  });
});

describe('candidate generation', () => {
  const space = parameterSpace('ema_trend', {});
  const isValid = (p: Readonly<Record<string, number>>) => p.slow! > p.fast!;
  const current = { fast: 12, slow: 26, atr_stop_mult: 2, atr_target_mult: 4 };

  it.each(['random', 'grid'] as const)('when the %s search runs twice with one seed then it proposes the same valid sets, the current one first', (search) => {
    const a = generateCandidates({ space, current, search, maxCandidates: 12, gridLevels: 3, seed: 5, isValid });
    const b = generateCandidates({ space, current, search, maxCandidates: 12, gridLevels: 3, seed: 5, isValid });
    expect(a).toEqual(b);
    expect(a).toHaveLength(12);
    expect(a[0]).toEqual(current);
    expect(a.every(isValid)).toBe(true);
    expect(new Set(a.map((p) => JSON.stringify(p))).size).toBe(12);
    expect(generateCandidates({ space, current, search, maxCandidates: 12, gridLevels: 3, seed: 6, isValid })).not.toEqual(a);
  });

  it('when a range has a fractional step then its values carry no float dust', () => {
    expect(rangeValues({ key: 'x', min: 1, max: 2, step: 0.1 })).toEqual([1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8, 1.9, 2]);
  });

  it('when a strategy has no table then each numeric default spans half to double', () => {
    expect(parameterSpace('unknown', { period: 10, mult: 1.5, flag: true })).toEqual([
      { key: 'period', min: 5, max: 20, step: 2 },
      { key: 'mult', min: 0.75, max: 3, step: 0.225 },
    ]);
  });
});

describe('runReevolution', () => {
  const production = (reevolution: Record<string, unknown> = {}) => {
    const base = productionSchema.parse(undefined);
    return { ...base, reevolution: { ...base.reevolution, lookback_days: 4, max_candidates: 6, validate_top: 3, min_oos_sharpe: null, ...reevolution } };
  };
  const run = async (seed: number, reevolution: Record<string, unknown> = {}) => {
    const t = openTestStore();
    closers.push(t.close);
    seedProduction(t.store, { champion: 'ema_trend', challengers: [] }, 3, AT, AT);
    t.store.requestReevolution('drift', 'test', AT);
    const result = await runReevolution({ config: CONFIG, production: production(reevolution), store: t.store, champion: 'ema_trend', dataDir: DATA, at: AT, startedAt: AT, cwd: os.tmpdir(), seed, workers: 0 });
    return { result, store: t.store };
  };

  it('when run twice with one seed then the same challengers are registered with their out-of-sample expectations', async () => {
    const first = await run(3);
    const second = await run(3);
    expect(second.result).toEqual(first.result);
    expect(first.result).toMatchObject({ method: 'builtin', candidates: 6, threads: 0, window: { from: '2023-04-27T00:00:00.000Z', split: '2023-04-30T00:00:00.000Z' } });
    expect(first.result.registered.length).toBeGreaterThan(0);
    expect(first.result.registered.length).toBeLessThanOrEqual(2);
    const state = first.store.readState();
    for (const { id, expected } of first.result.registered) {
      expect(id).toMatch(/^ema_trend@atr_stop_mult=[\d.]+,atr_target_mult=\d+,fast=\d+,slow=\d+$/);
      expect(state.challengers.find((c) => c.id === id)).toMatchObject({ added_by: 'reevolution' });
      expect(first.store.expectedMetrics(id, 'reevolution')?.metrics).toEqual(expected);
    }
    const sharpes = first.result.ranked.map((r) => r.out_of_sample?.metrics.sharpe ?? -Infinity);
    expect([...sharpes].sort((a, b) => b - a)).toEqual(sharpes);
    expect(state.reevolution_requested).toBe(false);
    expect(first.store.reevolutionRequests('done')[0]?.result).toContain('builtin re-evolution of ema_trend');
  }, 20_000);

  it('when an external command is configured then its strategies are validated and registered instead', async () => {
    const script = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'paperlive-opt-')), 'opt.mjs');
    fs.writeFileSync(script, `let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const r=JSON.parse(s);console.log(JSON.stringify({strategies:[{strategy:r.strategy,params:{fast:8,slow:40},expected:{sharpe:1.5,ann_return:20,max_drawdown:9,ann_volatility:15}}]}))});`);
    const { result, store } = await run(1, { command: [process.execPath, script] });
    expect(result.method).toBe('external');
    expect(result.registered).toEqual([{ id: 'ema_trend@fast=8,slow=40', expected: { sharpe: 1.5, ann_return: 20, max_drawdown: 9, ann_volatility: 15 } }]);
    expect(store.readState().challengers.map((c) => c.id)).toEqual(['ema_trend@fast=8,slow=40']);
  }, 20_000);

  it.each([
    ['output that is not JSON', `console.log('done')`, 'printed something that is not JSON'],
    ['an unknown strategy', `console.log(JSON.stringify([{strategy:'moonshot'}]))`, 'strategies[0].strategy: unknown strategy "moonshot"'],
    ['parameters the strategy rejects', `console.log(JSON.stringify([{strategy:'ema_trend',params:{fast:30,slow:10}}]))`, 'strategies[0].params: parameter slow must be greater than fast'],
    ['a failing command', `console.error('boom');process.exit(3)`, 'failed with exit code 3: boom'],
  ])('when the external command gives %s then nothing is registered and the error says so', async (_what, code, message) => {
    const script = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'paperlive-opt-')), 'opt.mjs');
    fs.writeFileSync(script, `process.stdin.resume();process.stdin.on('end',()=>{${code}});`);
    const t = openTestStore();
    closers.push(t.close);
    seedProduction(t.store, { champion: 'ema_trend', challengers: [] }, 3, AT, AT);
    await expect(runReevolution({ config: CONFIG, production: production({ command: [process.execPath, script] }), store: t.store, champion: 'ema_trend', dataDir: DATA, at: AT, startedAt: AT, cwd: os.tmpdir(), workers: 0 })).rejects.toThrow(message);
    expect(t.store.readState().challengers).toEqual([]);
  });
});
