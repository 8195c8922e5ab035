import type { Candle } from '../../../src/model/candle.js';
import type { Signal } from '../../../src/model/signal.js';
import type { Strategy, StrategyContext } from '../../../src/strategies/strategy.js';

/** How the fake account answers `hasPosition`: always flat, always holding, or following the strategy's own signals. */
export type PositionMode = 'flat' | 'holding' | 'follow';

export interface Emitted {
  /** Index of the candle (in the fed sequence) that produced the signal. */
  readonly index: number;
  readonly signal: Signal;
}

export const COST_PCT = 0.2;

/** Feeds candles one at a time, as the engine does, and collects what the strategy says. */
export function run(strategy: Strategy, candles: readonly Candle[], mode: PositionMode = 'follow'): Emitted[] {
  const open = new Set<string>();
  const context: StrategyContext = {
    costEstimatePct: COST_PCT,
    hasPosition: (symbol) => (mode === 'follow' ? open.has(symbol) : mode === 'holding'),
  };
  const out: Emitted[] = [];
  candles.forEach((candle, index) => {
    for (const signal of strategy.onCandle(candle, context)) {
      out.push({ index, signal });
      if (signal.direction === 'long') open.add(signal.symbol);
      else open.delete(signal.symbol);
    }
  });
  return out;
}

export const longs = (emitted: readonly Emitted[]): Emitted[] => emitted.filter((e) => e.signal.direction === 'long');
export const exits = (emitted: readonly Emitted[]): Emitted[] => emitted.filter((e) => e.signal.direction === 'exit');
