import { ATR, EMA, type RSI } from 'trading-signals';
import type { Candle } from '../model/candle.js';
import { signal, type Signal } from '../model/signal.js';
import { EdgeTracker } from './edge-tracker.js';
import { integerParam, NO_SIGNALS, numberParam, type Strategy, type StrategyContext, type StrategyDefinition, type StrategyParams } from './strategy.js';
import { StreamingRSI, WilderSmoothing } from './streaming-indicators.js';

interface SymbolState {
  rsi: RSI;
  trend: EMA;
  atr: ATR;
  prevRsi: number | null;
  /** Lowest RSI since it last stood above `oversold`: how deep the current dip went. */
  dipLow: number;
  edge: EdgeTracker;
  seen: number;
}

/**
 * Mean reversion inside an uptrend: buy when RSI climbs back out of oversold while the close
 * is above a long EMA, sell when RSI has recovered to `exit_level` (or overbought). The stop
 * sits `atr_stop_mult` ATRs below the entry, the target `atr_target_mult` ATRs above it
 * (0 = no target). An entry whose RSI already stands at the exit level is skipped: the
 * reversion it would bet on has already happened.
 *
 * score: depth of the dip, (oversold - lowest RSI in it) / oversold, in [0, 1];
 * threshold: `min_score`, below which an entry is not signalled (0 = every qualifying cross counts);
 * expected_value_pct and confidence: measured by `EdgeTracker` from this strategy's own past
 * signals on the symbol (shrunk mean gross return, Laplace win rate).
 */
export const rsiRevert: StrategyDefinition = {
  id: 'rsi_revert',
  description: 'RSI oversold reversion above an EMA trend filter, with an ATR stop',
  defaults: {
    rsi_period: 14,
    oversold: 30,
    overbought: 70,
    exit_level: 50,
    trend_period: 200,
    atr_period: 14,
    atr_stop_mult: 2,
    atr_target_mult: 3,
    min_score: 0,
    ev_window: 50,
    ev_prior_trades: 10,
  },
  create(params: StrategyParams): Strategy {
    const rsiPeriod = integerParam(params, 'rsi_period', 2);
    const oversold = numberParam(params, 'oversold');
    const overbought = numberParam(params, 'overbought');
    const exitLevel = numberParam(params, 'exit_level');
    const trendPeriod = integerParam(params, 'trend_period', 2);
    const atrPeriod = integerParam(params, 'atr_period', 1);
    const stopMult = numberParam(params, 'atr_stop_mult');
    const targetMult = numberParam(params, 'atr_target_mult');
    const minScore = numberParam(params, 'min_score');
    const evWindow = integerParam(params, 'ev_window', 1);
    const evPrior = numberParam(params, 'ev_prior_trades');
    if (!(oversold > 0 && oversold < exitLevel && exitLevel <= overbought && overbought < 100)) {
      throw new RangeError('parameters must satisfy 0 < oversold < exit_level <= overbought < 100');
    }
    if (!(stopMult > 0)) throw new RangeError('parameter atr_stop_mult must be > 0');
    if (!(targetMult >= 0)) throw new RangeError('parameter atr_target_mult must be >= 0 (0 = no target)');
    if (!(minScore >= 0 && minScore <= 1)) throw new RangeError('parameter min_score must be between 0 and 1');
    if (!(evPrior >= 0)) throw new RangeError('parameter ev_prior_trades must be >= 0');
    // A cross needs the previous RSI too, which first exists one candle after the first RSI.
    const warmupCandles = Math.max(trendPeriod, rsiPeriod + 2, atrPeriod);
    const states = new Map<string, SymbolState>();
    const stateFor = (symbol: string): SymbolState => {
      let state = states.get(symbol);
      if (!state) {
        state = { rsi: new StreamingRSI(rsiPeriod), trend: new EMA(trendPeriod), atr: new ATR(atrPeriod, WilderSmoothing), prevRsi: null, dipLow: 100, edge: new EdgeTracker(evWindow, evPrior), seen: 0 };
        states.set(symbol, state);
      }
      return state;
    };

    return {
      id: 'rsi_revert',
      warmupCandles,
      isWarm: (symbol) => (states.get(symbol)?.seen ?? 0) >= warmupCandles,
      onCandle(candle: Candle, context: StrategyContext): readonly Signal[] {
        const s = stateFor(candle.symbol);
        s.edge.advance(candle);
        const rsi = s.rsi.add(candle.close);
        const trend = s.trend.add(candle.close);
        const atr = s.atr.add(candle);
        s.seen++;
        const prev = s.prevRsi;
        s.prevRsi = rsi;
        if (rsi === null) return NO_SIGNALS;
        const dipLow = Math.min(s.dipLow, rsi);
        s.dipLow = rsi > oversold ? 100 : dipLow;
        if (prev === null || trend === null || atr === null || s.seen < warmupCandles) return NO_SIGNALS;

        const { symbol, ts: market_time, close: price } = candle;
        const cost_estimate_pct = context.costEstimatePct;
        const exitReason = rsi >= overbought ? 'rsi_overbought' : rsi > exitLevel ? 'rsi_exit_level' : null;
        if (exitReason) s.edge.exit();
        if (exitReason && context.hasPosition(candle.symbol)) {
          // Exits are rules, not bets: never filtered by strength.
          return [signal({ strategy: 'rsi_revert', symbol, direction: 'exit', score: 1, threshold: 0, confidence: 1, expected_value_pct: 0, cost_estimate_pct, reason: exitReason, market_time, price })];
        }

        const crossedUp = prev <= oversold && rsi > oversold && rsi < exitLevel;
        if (!crossedUp || !(candle.close > trend)) return NO_SIGNALS;
        const score = Math.min(1, Math.max(0, (oversold - dipLow) / oversold));
        if (score < minScore) return NO_SIGNALS;
        const stopDistance = stopMult * atr;
        const targetDistance = targetMult > 0 ? targetMult * atr : null;
        const entry = signal({
          strategy: 'rsi_revert',
          symbol,
          direction: 'long',
          score,
          threshold: minScore,
          confidence: s.edge.winProbability,
          expected_value_pct: s.edge.expectedValuePct,
          cost_estimate_pct,
          reason: 'rsi_oversold_cross_up',
          market_time,
          price,
          stop: candle.close - stopDistance,
          target: targetDistance === null ? null : candle.close + targetDistance,
          trailing: null,
        });
        s.edge.enter({ stopDistance, targetDistance, trailing: null });
        return context.hasPosition(candle.symbol) ? NO_SIGNALS : [entry];
      },
    };
  },
};
