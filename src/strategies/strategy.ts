import type { Candle } from '../model/candle.js';
import type { Signal } from '../model/signal.js';

/** What a strategy may know about the account when it decides. Read-only. */
export interface StrategyContext {
  hasPosition(symbol: string): boolean;
  /** Round-trip cost estimate in percent (fees both ways + slippage both ways). */
  readonly costEstimatePct: number;
}

/**
 * A strategy reads closed candles and returns signals; it never acts. It keeps its own
 * per-symbol indicator state, updated in O(1) per candle. To add one: write a file that
 * exports a `StrategyDefinition` and list it in `registry.ts`.
 */
export interface Strategy {
  readonly id: string;
  /** Candles per symbol before its signals mean anything. */
  readonly warmupCandles: number;
  isWarm(symbol: string): boolean;
  /** The candle's signals, usually none. The list may be shared (`NO_SIGNALS`): never change it. */
  onCandle(candle: Candle, context: StrategyContext): readonly Signal[];
}

/** What most candles return: one frozen empty list rather than a new one per candle. */
export const NO_SIGNALS: readonly Signal[] = Object.freeze([]);

export type StrategyParams = Readonly<Record<string, number | boolean | string>>;

export interface StrategyDefinition {
  readonly id: string;
  readonly description: string;
  readonly defaults: StrategyParams;
  create(params: StrategyParams): Strategy;
}

/** Reads a numeric parameter, so that a typo in config is an error, not a silent default. */
export function numberParam(params: StrategyParams, key: string): number {
  const value = params[key];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new RangeError(`parameter ${key} must be a number, got ${JSON.stringify(value)}`);
  return value;
}

/** Reads a whole-number parameter (a period, a window) of at least `min`. */
export function integerParam(params: StrategyParams, key: string, min: number): number {
  const value = numberParam(params, key);
  if (!Number.isInteger(value) || value < min) throw new RangeError(`parameter ${key} must be an integer >= ${min}, got ${value}`);
  return value;
}

/** Reads an on/off parameter; `"true"` as a string is a typo, not a yes. */
export function booleanParam(params: StrategyParams, key: string): boolean {
  const value = params[key];
  if (typeof value !== 'boolean') throw new RangeError(`parameter ${key} must be true or false, got ${JSON.stringify(value)}`);
  return value;
}
