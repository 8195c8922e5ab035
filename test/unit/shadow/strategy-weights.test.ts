import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StrategyWeights, type StrategyWeightsDocument } from '../../../src/shadow/strategy-weights.js';
import { clampedStep, normaliseWeights } from '../../../src/shadow/weight-clamp.js';
import { manualClock, memoryLogger, tempHome } from './fixtures.js';

const DAY1 = Date.parse('2026-03-10T08:00:00Z');
const DAY2 = Date.parse('2026-03-11T00:05:00Z');

function weightsIn(file: string | null = tempHome().weightsFile, strategies = ['ema_trend', 'rsi_revert']) {
  const logger = memoryLogger();
  const clock = manualClock();
  return { weights: new StrategyWeights({ file, strategies, clock, logger }), logger, clock, file };
}

const read = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as StrategyWeightsDocument;
const critical = (logger: ReturnType<typeof memoryLogger>) => logger.lines.filter((l) => l.level === 'fatal' && l.obj.alert === 'critical');

describe('clampedStep', () => {
  const half = { a: 0.5, b: 0.5 };
  it.each([
    ['a shift inside the clamp', half, { a: 0.55, b: 0.45 }, half, { a: 0.55, b: 0.45 }, 0],
    ['a 30 % shift', half, { a: 0.8, b: 0.2 }, half, { a: 0.6, b: 0.4 }, 2],
    ['a shift on top of one already made today', { a: 0.56, b: 0.44 }, { a: 0.7, b: 0.3 }, half, { a: 0.6, b: 0.4 }, 2],
    ['a shift back toward the opening weight', { a: 0.6, b: 0.4 }, { a: 0.5, b: 0.5 }, half, { a: 0.5, b: 0.5 }, 0],
    ['three strategies, one far off', { a: 0.4, b: 0.3, c: 0.3 }, { a: 0.1, b: 0.45, c: 0.45 }, { a: 0.4, b: 0.3, c: 0.3 }, { a: 0.3, b: 0.35, c: 0.35 }, 3],
  ])('when the proposal is %s then each weight stays within 0.10 of the day’s opening and the sum stays 1', (_, current, proposed, dayOpen, expected, violations) => {
    const step = clampedStep(current, proposed, dayOpen, 0.1);
    for (const [k, v] of Object.entries(expected)) expect(step.weights[k]).toBeCloseTo(v, 10);
    expect(Object.values(step.weights).reduce((x, y) => x + y, 0)).toBeCloseTo(1, 10);
    for (const k of Object.keys(current)) expect(Math.abs(step.weights[k]! - (dayOpen as Record<string, number>)[k]!)).toBeLessThanOrEqual(0.1 + 1e-9);
    expect(step.violations).toHaveLength(violations);
  });

  it.each([
    ['a negative weight', { a: -0.1, b: 1.1 }],
    ['a weight that is not a number', { a: Number.NaN, b: 1 }],
    ['nothing to share', { a: 0, b: 0 }],
  ])('when weights have %s then they cannot be normalised', (_, weights) => {
    expect(normaliseWeights(weights)).toBeNull();
  });
});

describe('StrategyWeights (data/rl/strategy_weights.json)', () => {
  it('when there is no file yet then it starts from equal weights and writes them', () => {
    const { file } = weightsIn();
    expect(read(file!)).toMatchObject({ schema_version: 1, max_daily_shift: 0.1, weights: { ema_trend: 0.5, rsi_revert: 0.5 }, history: [{ event: 'reset', severity: 'info' }] });
  });

  it('when an advisor tries to shift a weight by 30 % then 10 % is applied, CRITICAL is logged and the file’s history says so', () => {
    const { weights, logger, file } = weightsIn();
    const update = weights.propose('strategy_weighting', { ema_trend: 0.8, rsi_revert: 0.2 }, DAY1);
    expect(update).toMatchObject({ changed: true, violations: 2 });
    expect(weights.weights.ema_trend).toBeCloseTo(0.6, 10);
    expect(weights.weights.rsi_revert).toBeCloseTo(0.4, 10);
    const alerts = critical(logger);
    expect(alerts.map((l) => l.obj.strategy)).toEqual(['ema_trend', 'rsi_revert']);
    expect(alerts[0]!.msg).toBe('CLAMP VIOLATION: Strategy ema_trend shifted +30.0%, exceeds max 10.0%; applied +10.0% (advisor strategy_weighting)');
    expect(alerts[0]!.obj).toMatchObject({ event: 'clamp_violation', advisor: 'strategy_weighting', day: '2026-03-10', max_daily_shift: 0.1 });
    const doc = read(file!);
    expect(doc.weights).toEqual(weights.weights);
    expect(doc.day).toBe('2026-03-10');
    expect(doc.day_open_weights).toEqual({ ema_trend: 0.5, rsi_revert: 0.5 });
    const shifts = doc.history.filter((h) => h.event === 'shift');
    expect(shifts).toHaveLength(2);
    expect(shifts[0]).toMatchObject({ strategy: 'ema_trend', severity: 'critical', clamped: true, from: 0.5, requested: 0.8, applied: 0.6, market_time: new Date(DAY1).toISOString() });
    expect(shifts[0]!.requested_shift).toBeCloseTo(0.3, 10);
    expect(shifts[0]!.applied_shift).toBeCloseTo(0.1, 10);
  });

  it('when shifts inside the clamp add up past 10 % in one UTC day then the one that crosses it is clamped, and the next day has a fresh 10 %', () => {
    const { weights, logger } = weightsIn();
    expect(weights.propose('a', { ema_trend: 0.56, rsi_revert: 0.44 }, DAY1).violations).toBe(0);
    expect(critical(logger)).toHaveLength(0);
    expect(weights.propose('a', { ema_trend: 0.62, rsi_revert: 0.38 }, DAY1 + 3_600_000).violations).toBe(2);
    expect(weights.weights.ema_trend).toBeCloseTo(0.6, 10);
    expect(weights.propose('a', { ema_trend: 0.7, rsi_revert: 0.3 }, DAY2).violations).toBe(0);
    expect(weights.weights.ema_trend).toBeCloseTo(0.7, 10);
  });

  it('when the daemon restarts in the middle of a day then the day’s clamp still counts the shifts made before it', () => {
    const first = weightsIn();
    first.weights.propose('a', { ema_trend: 0.58, rsi_revert: 0.42 }, DAY1);
    const second = weightsIn(first.file);
    expect(second.weights.weights).toEqual(first.weights.weights);
    expect(second.weights.dayOpenWeights(DAY1 + 1_000)).toEqual({ ema_trend: 0.5, rsi_revert: 0.5 });
    second.weights.propose('a', { ema_trend: 0.66, rsi_revert: 0.34 }, DAY1 + 60_000);
    expect(second.weights.weights.ema_trend).toBeCloseTo(0.6, 10);
    expect(critical(second.logger)).toHaveLength(2);
  });

  it('when a proposal has a negative weight then nothing changes and the refusal is in the history', () => {
    const { weights, file, logger } = weightsIn();
    expect(weights.propose('a', { ema_trend: -1, rsi_revert: 2 }, DAY1)).toMatchObject({ changed: false });
    expect(weights.weights).toEqual({ ema_trend: 0.5, rsi_revert: 0.5 });
    expect(read(file!).history.at(-1)).toMatchObject({ event: 'rejected', severity: 'warning' });
    expect(logger.lines.some((l) => l.level === 'error')).toBe(true);
  });

  it('when the weighted strategies change then the weights start again equal and the history is kept', () => {
    const first = weightsIn();
    first.weights.propose('a', { ema_trend: 0.6, rsi_revert: 0.4 }, DAY1);
    const second = weightsIn(first.file, ['ema_trend', 'rsi_revert', 'donchian_breakout']);
    expect(Object.values(second.weights.weights).every((w) => Math.abs(w - 1 / 3) < 1e-9)).toBe(true);
    expect(read(first.file!).history.map((h) => h.event)).toEqual(['reset', 'shift', 'shift', 'reset']);
  });

  it('when the file does not parse then it is moved aside and the weights start equal', () => {
    const { file } = weightsIn();
    fs.writeFileSync(file!, '{"schema_version": 1, "weights": {');
    const again = weightsIn(file);
    expect(again.weights.weights).toEqual({ ema_trend: 0.5, rsi_revert: 0.5 });
    expect(fs.existsSync(`${file}.unreadable`)).toBe(true);
    expect(read(file!).weights).toEqual({ ema_trend: 0.5, rsi_revert: 0.5 });
  });

  it('when weights change many times then the file is always whole JSON and no temporary file is left behind', () => {
    const { weights, file } = weightsIn();
    for (let i = 0; i < 50; i++) {
      weights.propose('a', { ema_trend: 0.5 + (i % 2 ? 0.05 : -0.05), rsi_revert: 0.5 - (i % 2 ? 0.05 : -0.05) }, DAY1 + i * 86_400_000);
      const doc = read(file!);
      expect(Object.values(doc.weights).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    }
    expect(fs.readdirSync(path.dirname(file!)).filter((f) => f.includes('strategy_weights'))).toEqual(['strategy_weights.json']);
  });
});
