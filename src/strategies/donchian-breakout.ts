import { ATR, type DonchianChannels } from 'trading-signals';
import type { Candle } from '../model/candle.js';
import { signal, type Signal, type TrailingSpec } from '../model/signal.js';
import { EdgeTracker } from './edge-tracker.js';
import { booleanParam, integerParam, NO_SIGNALS, numberParam, type Strategy, type StrategyContext, type StrategyDefinition, type StrategyParams } from './strategy.js';
import { RollingDonchianChannels, WilderSmoothing } from './streaming-indicators.js';

interface SymbolState {
  entryBand: DonchianChannels;
  exitBand: DonchianChannels;
  atr: ATR;
  /** Bands over the candles before the current one; the current candle is added after. */
  upper: number | null;
  lower: number | null;
  edge: EdgeTracker;
  seen: number;
}

/**
 * Channel breakout (turtle style): buy when the close clears the highest high of the previous
 * `entry_period` candles, sell when it falls through the lowest low of the previous
 * `exit_period` candles. Protection: a stop `atr_stop_mult` ATRs below the entry, an optional
 * target (`atr_target_mult`, 0 = none: a breakout lets the trail take profit) and a trailing
 * stop `trail_atr_mult` ATRs below the high, frozen at entry as a percentage of price, that
 * starts once the high is `offset_pct` above the entry (or at once if not
 * `only_after_offset`). `trail_atr_mult` 0 = no trailing stop.
 *
 * score: how far the close cleared the band, in ATRs, capped at 1;
 * threshold: `min_score`, below which an entry is not signalled (0 = every breakout counts);
 * expected_value_pct and confidence: measured by `EdgeTracker` from this strategy's own past
 * signals on the symbol (shrunk mean gross return, Laplace win rate).
 */
export const donchianBreakout: StrategyDefinition = {
  id: 'donchian_breakout',
  description: 'Donchian channel breakout with an ATR stop and an ATR trailing stop',
  defaults: {
    entry_period: 20,
    exit_period: 10,
    atr_period: 14,
    atr_stop_mult: 2,
    atr_target_mult: 0,
    trail_atr_mult: 3,
    offset_pct: 0.5,
    only_after_offset: true,
    min_score: 0,
    ev_window: 50,
    ev_prior_trades: 10,
  },
  create(params: StrategyParams): Strategy {
    const entryPeriod = integerParam(params, 'entry_period', 1);
    const exitPeriod = integerParam(params, 'exit_period', 1);
    const atrPeriod = integerParam(params, 'atr_period', 1);
    const stopMult = numberParam(params, 'atr_stop_mult');
    const targetMult = numberParam(params, 'atr_target_mult');
    const trailMult = numberParam(params, 'trail_atr_mult');
    const offsetPct = numberParam(params, 'offset_pct');
    const onlyAfterOffset = booleanParam(params, 'only_after_offset');
    const minScore = numberParam(params, 'min_score');
    const evWindow = integerParam(params, 'ev_window', 1);
    const evPrior = numberParam(params, 'ev_prior_trades');
    if (!(stopMult > 0)) throw new RangeError('parameter atr_stop_mult must be > 0');
    if (!(targetMult >= 0)) throw new RangeError('parameter atr_target_mult must be >= 0 (0 = no target)');
    if (!(trailMult >= 0)) throw new RangeError('parameter trail_atr_mult must be >= 0 (0 = no trailing stop)');
    if (!(offsetPct >= 0)) throw new RangeError('parameter offset_pct must be >= 0');
    if (!(minScore >= 0 && minScore <= 1)) throw new RangeError('parameter min_score must be between 0 and 1');
    if (!(evPrior >= 0)) throw new RangeError('parameter ev_prior_trades must be >= 0');
    // The bands must cover `period` candles that all precede the one being judged.
    const warmupCandles = Math.max(entryPeriod, exitPeriod, atrPeriod - 1) + 1;
    const states = new Map<string, SymbolState>();
    const stateFor = (symbol: string): SymbolState => {
      let state = states.get(symbol);
      if (!state) {
        state = { entryBand: new RollingDonchianChannels(entryPeriod), exitBand: new RollingDonchianChannels(exitPeriod), atr: new ATR(atrPeriod, WilderSmoothing), upper: null, lower: null, edge: new EdgeTracker(evWindow, evPrior), seen: 0 };
        states.set(symbol, state);
      }
      return state;
    };

    return {
      id: 'donchian_breakout',
      warmupCandles,
      isWarm: (symbol) => (states.get(symbol)?.seen ?? 0) >= warmupCandles,
      onCandle(candle: Candle, context: StrategyContext): readonly Signal[] {
        const s = stateFor(candle.symbol);
        s.edge.advance(candle);
        const { upper, lower } = s;
        s.upper = s.entryBand.add(candle)?.upper ?? null;
        s.lower = s.exitBand.add(candle)?.lower ?? null;
        const atr = s.atr.add(candle);
        s.seen++;
        if (upper === null || lower === null || atr === null || s.seen < warmupCandles) return NO_SIGNALS;

        const { symbol, ts: market_time, close: price } = candle;
        const cost_estimate_pct = context.costEstimatePct;
        if (candle.close < lower) {
          s.edge.exit();
          if (!context.hasPosition(candle.symbol)) return NO_SIGNALS;
          // Exits are rules, not bets: never filtered by strength.
          return [signal({ strategy: 'donchian_breakout', symbol, direction: 'exit', score: 1, threshold: 0, confidence: 1, expected_value_pct: 0, cost_estimate_pct, reason: 'donchian_breakdown', market_time, price })];
        }
        if (!(candle.close > upper)) return NO_SIGNALS;
        const score = Math.min(1, (candle.close - upper) / atr);
        if (score < minScore) return NO_SIGNALS;
        const stopDistance = stopMult * atr;
        const targetDistance = targetMult > 0 ? targetMult * atr : null;
        const trailing: TrailingSpec | null = trailMult > 0 ? { distance_pct: ((trailMult * atr) / candle.close) * 100, offset_pct: offsetPct, only_after_offset: onlyAfterOffset } : null;
        const entry = signal({
          strategy: 'donchian_breakout',
          symbol,
          direction: 'long',
          score,
          threshold: minScore,
          confidence: s.edge.winProbability,
          expected_value_pct: s.edge.expectedValuePct,
          cost_estimate_pct,
          reason: 'donchian_breakout_up',
          market_time,
          price,
          stop: candle.close - stopDistance,
          target: targetDistance === null ? null : candle.close + targetDistance,
          trailing,
        });
        s.edge.enter({ stopDistance, targetDistance, trailing });
        return context.hasPosition(candle.symbol) ? NO_SIGNALS : [entry];
      },
    };
  },
};
