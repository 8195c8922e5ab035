import { productionSchema, type ProductionConfig } from '../../../src/config/production-schema.js';
import type { DailyPoint } from '../../../src/monitoring/drift/change-point.js';
import type { ExpectedMetrics } from '../../../src/monitoring/drift/expected-metrics.js';

/** production.yaml's defaults with some keys changed (monitoring and reevolution merged one level deep). */
export function settings(overrides: { monitoring?: Partial<ProductionConfig['monitoring']>; reevolution?: Partial<ProductionConfig['reevolution']>; max_concurrent_challengers?: number } = {}): ProductionConfig {
  const base = productionSchema.parse(undefined);
  return {
    ...base,
    ...(overrides.max_concurrent_challengers === undefined ? {} : { max_concurrent_challengers: overrides.max_concurrent_challengers }),
    monitoring: { ...base.monitoring, ...overrides.monitoring },
    reevolution: { ...base.reevolution, ...overrides.reevolution },
  };
}

/** Consecutive UTC days from `start`, one point per return. */
export function series(returns: readonly number[], start = '2026-01-01'): DailyPoint[] {
  const t0 = Date.parse(`${start}T00:00:00Z`);
  return returns.map((return_pct, i) => ({ date: new Date(t0 + i * 86_400_000).toISOString().slice(0, 10), return_pct }));
}

/** A repeating pattern, `times` times over. */
export function repeat(pattern: readonly number[], times: number): number[] {
  return Array.from({ length: times }, () => pattern).flat();
}

export const EXPECTED: ExpectedMetrics = { sharpe: 2, ann_return: 36.5, max_drawdown: 12, ann_volatility: 20 };
