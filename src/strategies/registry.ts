import { donchianBreakout } from './donchian-breakout.js';
import { emaTrend } from './ema-trend.js';
import { rsiRevert } from './rsi-revert.js';
import type { Strategy, StrategyDefinition, StrategyParams } from './strategy.js';

const DEFINITIONS: ReadonlyMap<string, StrategyDefinition> = new Map([emaTrend, rsiRevert, donchianBreakout].map((d) => [d.id, d]));

export function strategyIds(): string[] {
  return [...DEFINITIONS.keys()];
}

export function hasStrategy(id: string): boolean {
  return DEFINITIONS.has(id);
}

/** Builds a strategy from its defaults overlaid with the configured parameters. */
export function createStrategy(id: string, overrides: StrategyParams = {}): Strategy {
  const definition = DEFINITIONS.get(id);
  if (!definition) throw new RangeError(`unknown strategy "${id}" (known: ${strategyIds().join(', ')})`);
  for (const key of Object.keys(overrides)) {
    if (!(key in definition.defaults)) throw new RangeError(`strategy ${id} has no parameter "${key}" (known: ${Object.keys(definition.defaults).join(', ')})`);
  }
  return definition.create({ ...definition.defaults, ...overrides });
}
