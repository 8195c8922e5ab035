import { describe, expect, it } from 'vitest';
import { formatStrategySpec, parseStrategySpec } from '../../../src/monitoring/production/strategy-spec.js';

describe('strategy ids with parameters', () => {
  it.each([
    ['ema_trend', 'ema_trend', {}],
    ['ema_trend@slow=30,fast=9', 'ema_trend@fast=9,slow=30', { fast: 9, slow: 30 }],
    ['donchian_breakout@only_after_offset=false,offset_pct=0.25', 'donchian_breakout@offset_pct=0.25,only_after_offset=false', { offset_pct: 0.25, only_after_offset: false }],
    ['ema_trend@atr_stop_mult=2.50', 'ema_trend@atr_stop_mult=2.5', { atr_stop_mult: 2.5 }],
  ])('when %s is parsed then its canonical id is %s', (text, id, params) => {
    const spec = parseStrategySpec(text);
    expect(spec.id).toBe(id);
    expect(spec.params).toEqual(params);
    expect(parseStrategySpec(spec.id).id).toBe(id);
  });

  it.each([
    ['EMA', 'does not start with a strategy id'],
    ['ema_trend@', 'has an @ but no parameters'],
    ['ema_trend@fast', '"fast" is not param=value'],
    ['ema_trend@fast=1=2', 'is not param=value'],
    ['ema_trend@fast=1,fast=2', 'gives fast twice'],
  ])('when %s is parsed then it is refused: %s', (text, message) => {
    expect(() => parseStrategySpec(text)).toThrow(message);
  });

  it('when parameters are formatted then they are sorted by name', () => {
    expect(formatStrategySpec('x', { b: 1, a: true })).toBe('x@a=true,b=1');
  });
});
