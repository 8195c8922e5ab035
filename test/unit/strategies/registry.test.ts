import { describe, expect, it } from 'vitest';
import { createStrategy, hasStrategy, strategyIds } from '../../../src/strategies/registry.js';

describe('strategy registry', () => {
  it('when listing strategies then the champion and both challengers are known', () => {
    expect(strategyIds()).toEqual(['ema_trend', 'rsi_revert', 'donchian_breakout']);
  });

  it.each(strategyIds())('when %s is created from its defaults then it carries its id', (id) => {
    expect(hasStrategy(id)).toBe(true);
    const strategy = createStrategy(id);
    expect(strategy.id).toBe(id);
    expect(strategy.warmupCandles).toBeGreaterThan(0);
  });

  it('when an unknown strategy is asked for then it refuses with the known ids', () => {
    expect(() => createStrategy('macd_magic')).toThrow(/unknown strategy "macd_magic" \(known: ema_trend, rsi_revert, donchian_breakout\)/);
  });
});
