import { SMA } from 'trading-signals';
import { signal } from '../model/signal.js';
import { integerParam, NO_SIGNALS, type StrategyDefinition } from './strategy.js';

/** The README's example strategy: tested like the built-in ones, deliberately not registered. */
export const closeAboveSma: StrategyDefinition = {
  id: 'close_above_sma',
  description: 'long when the close crosses above its SMA, out when it falls below',
  defaults: { period: 50 },
  create(params) {
    const period = integerParam(params, 'period', 2);
    const state = new Map<string, { sma: SMA; above: boolean | null; seen: number }>();
    return {
      id: 'close_above_sma',
      warmupCandles: period + 1,
      isWarm: (symbol) => (state.get(symbol)?.seen ?? 0) > period,
      onCandle(candle, context) {
        let s = state.get(candle.symbol);
        if (!s) state.set(candle.symbol, (s = { sma: new SMA(period), above: null, seen: 0 }));
        const sma = s.sma.add(candle.close);
        s.seen++;
        if (sma === null) return NO_SIGNALS;
        const above = candle.close > sma;
        const crossed = s.above !== null && above !== s.above;
        s.above = above;
        if (!crossed) return NO_SIGNALS;
        const { symbol, ts: market_time, close: price } = candle;
        const cost_estimate_pct = context.costEstimatePct;
        if (above && !context.hasPosition(symbol)) {
          const stop = sma * 0.99;
          const target = price + 2 * (price - stop);
          return [signal({ strategy: 'close_above_sma', symbol, direction: 'long', score: 0.7, threshold: 0, confidence: 0.7, expected_value_pct: 0.5, cost_estimate_pct, reason: 'close_above_sma', market_time, price, stop, target, trailing: null })];
        }
        if (!above && context.hasPosition(symbol)) {
          return [signal({ strategy: 'close_above_sma', symbol, direction: 'exit', score: 1, threshold: 0, confidence: 1, expected_value_pct: 0, cost_estimate_pct, reason: 'close_below_sma', market_time, price })];
        }
        return NO_SIGNALS;
      },
    };
  },
};
