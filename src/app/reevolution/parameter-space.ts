import { donchianBreakout } from '../../strategies/donchian-breakout.js';
import { emaTrend } from '../../strategies/ema-trend.js';
import { rsiRevert } from '../../strategies/rsi-revert.js';
import type { StrategyDefinition, StrategyParams } from '../../strategies/strategy.js';

/** One searchable parameter: values min, min + step, …, max. */
export interface ParamRange {
  readonly key: string;
  readonly min: number;
  readonly max: number;
  readonly step: number;
}

/**
 * Sensible ranges per strategy, chosen from what the parameters mean (periods in candles,
 * multiples of ATR, RSI levels); parameters not listed keep their configured value. Invalid
 * combinations (slow ≤ fast, oversold ≥ exit level, …) are weeded out by the strategy itself.
 */
const SPACES: Readonly<Record<string, readonly ParamRange[]>> = {
  ema_trend: [
    { key: 'fast', min: 4, max: 30, step: 1 },
    { key: 'slow', min: 12, max: 120, step: 2 },
    { key: 'atr_stop_mult', min: 1, max: 4, step: 0.5 },
    { key: 'atr_target_mult', min: 0, max: 8, step: 1 },
  ],
  rsi_revert: [
    { key: 'rsi_period', min: 6, max: 28, step: 2 },
    { key: 'oversold', min: 15, max: 40, step: 5 },
    { key: 'exit_level', min: 45, max: 65, step: 5 },
    { key: 'trend_period', min: 50, max: 400, step: 25 },
    { key: 'atr_stop_mult', min: 1, max: 4, step: 0.5 },
    { key: 'atr_target_mult', min: 0, max: 6, step: 1 },
  ],
  donchian_breakout: [
    { key: 'entry_period', min: 10, max: 60, step: 5 },
    { key: 'exit_period', min: 5, max: 30, step: 5 },
    { key: 'atr_stop_mult', min: 1, max: 4, step: 0.5 },
    { key: 'trail_atr_mult', min: 0, max: 5, step: 0.5 },
    { key: 'offset_pct', min: 0, max: 2, step: 0.25 },
  ],
};

// The registry does not expose definitions; re-evolution needs their defaults (the values a
// champion without overrides runs with).
const DEFINITIONS: ReadonlyMap<string, StrategyDefinition> = new Map([emaTrend, rsiRevert, donchianBreakout].map((d) => [d.id, d]));

/** A strategy's built-in parameter values, or null when re-evolution does not know it. */
export function strategyDefaults(strategy: string): StrategyParams | null {
  return DEFINITIONS.get(strategy)?.defaults ?? null;
}

/**
 * The ranges of a strategy; for one without a table, each numeric default d spans d/2 … 2d
 * (whole numbers stay whole).
 */
export function parameterSpace(strategy: string, defaults: StrategyParams): readonly ParamRange[] {
  const known = SPACES[strategy];
  if (known) return known;
  return Object.entries(defaults).flatMap(([key, value]): ParamRange[] => {
    if (typeof value !== 'number' || value <= 0) return [];
    const whole = Number.isInteger(value);
    const min = whole ? Math.max(1, Math.round(value / 2)) : value / 2;
    const max = whole ? Math.round(value * 2) : value * 2;
    return [{ key, min, max, step: whole ? Math.max(1, Math.round((max - min) / 10)) : (max - min) / 10 }];
  });
}

/** The values of a range, rounded to its step (no float dust such as 2.5000000000000004). */
export function rangeValues(range: ParamRange): number[] {
  const count = Math.floor((range.max - range.min) / range.step + 1e-9) + 1;
  return Array.from({ length: count }, (_, i) => roundToStep(range.min + i * range.step, range.step));
}

export function roundToStep(value: number, step: number): number {
  const decimals = Math.max(0, Math.min(10, Math.ceil(-Math.log10(step)) + 1));
  return Number(value.toFixed(decimals));
}
