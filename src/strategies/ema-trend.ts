import { ATR, EMA } from 'trading-signals';
import type { Candle } from '../model/candle.js';
import { signal, type Signal } from '../model/signal.js';
import { integerParam, NO_SIGNALS, numberParam, type Strategy, type StrategyContext, type StrategyDefinition, type StrategyParams } from './strategy.js';
import { WilderSmoothing } from './streaming-indicators.js';

interface SymbolState {
  fast: EMA;
  slow: EMA;
  atr: ATR;
  prevDiff: number | null;
  seen: number;
}

/**
 * Trend following: enter long when the fast EMA crosses above the slow one, exit when it
 * crosses back. The stop sits `atr_stop_mult` ATRs below the entry, the target
 * `atr_target_mult` ATRs above it (0 = no target).
 */
export const emaTrend: StrategyDefinition = {
  id: 'ema_trend',
  description: 'EMA crossover with an ATR stop',
  defaults: { fast: 12, slow: 26, atr_period: 14, atr_stop_mult: 2, atr_target_mult: 4, min_edge_pct: 0.05 },
  create(params: StrategyParams): Strategy {
    const fastPeriod = numberParam(params, 'fast');
    const slowPeriod = numberParam(params, 'slow');
    const atrPeriod = integerParam(params, 'atr_period', 1);
    const stopMult = numberParam(params, 'atr_stop_mult');
    const targetMult = numberParam(params, 'atr_target_mult');
    const minEdgePct = numberParam(params, 'min_edge_pct');
    if (!(fastPeriod >= 1 && slowPeriod > fastPeriod)) throw new RangeError('parameter slow must be greater than fast, and fast at least 1');
    if (!(stopMult > 0)) throw new RangeError('parameter atr_stop_mult must be > 0');
    if (!(targetMult >= 0)) throw new RangeError('parameter atr_target_mult must be >= 0 (0 = no target)');
    const warmupCandles = Math.max(slowPeriod, atrPeriod) + 1;
    const states = new Map<string, SymbolState>();
    const stateFor = (symbol: string): SymbolState => {
      let state = states.get(symbol);
      if (!state) {
        state = { fast: new EMA(fastPeriod), slow: new EMA(slowPeriod), atr: new ATR(atrPeriod, WilderSmoothing), prevDiff: null, seen: 0 };
        states.set(symbol, state);
      }
      return state;
    };

    return {
      id: 'ema_trend',
      warmupCandles,
      isWarm: (symbol) => (states.get(symbol)?.seen ?? 0) >= warmupCandles,
      onCandle(candle: Candle, context: StrategyContext): readonly Signal[] {
        const s = stateFor(candle.symbol);
        const fast = s.fast.add(candle.close);
        const slow = s.slow.add(candle.close);
        const atr = s.atr.add(candle);
        s.seen++;
        if (fast === null || slow === null) return NO_SIGNALS;
        // A cross needs the previous difference too: kept through the warm-up, so that the candle completing it can cross.
        const diff = fast - slow;
        const prev = s.prevDiff;
        s.prevDiff = diff;
        if (prev === null || atr === null || s.seen < warmupCandles) return NO_SIGNALS;
        const crossedUp = prev <= 0 && diff > 0;
        const crossedDown = prev >= 0 && diff < 0;
        if (!crossedUp && !crossedDown) return NO_SIGNALS;
        const spreadPct = (Math.abs(diff) / candle.close) * 100;
        const atrPct = (atr / candle.close) * 100;
        const score = Math.min(1, spreadPct / Math.max(atrPct, 1e-9));
        const confidence = 0.5 + score / 2;
        const { symbol, ts: market_time, close: price } = candle;
        const cost_estimate_pct = context.costEstimatePct;
        if (crossedUp && !context.hasPosition(candle.symbol)) {
          const stop = candle.close - stopMult * atr;
          const target = targetMult > 0 ? candle.close + targetMult * atr : null;
          // Expected edge: a fixed-odds view of the bracket, discounted to half of the reward.
          const expected = targetMult > 0 ? Math.max(minEdgePct, 0.5 * targetMult * atrPct - 0.5 * stopMult * atrPct) : minEdgePct;
          return [signal({ strategy: 'ema_trend', symbol, direction: 'long', score, threshold: 0, confidence, expected_value_pct: expected, cost_estimate_pct, reason: 'ema_cross_up', market_time, price, stop, target, trailing: null })];
        }
        if (crossedDown && context.hasPosition(candle.symbol)) {
          return [signal({ strategy: 'ema_trend', symbol, direction: 'exit', score, threshold: 0, confidence, expected_value_pct: 0, cost_estimate_pct, reason: 'ema_cross_down', market_time, price })];
        }
        return NO_SIGNALS;
      },
    };
  },
};
