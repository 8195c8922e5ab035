import { describe, expect, it } from 'vitest';
import { floorToStep, roundTo, roundToTick } from '../../../src/model/market.js';

/** The textbook way to strip float noise, which `roundTo` replaces for speed. */
const viaToFixed = (value: number, step: number): number => Number(value.toFixed(Math.min(Math.max(0, Math.ceil(-Math.log10(step)) + 2), 15)));

describe('market rounding', () => {
  it('when a value is a multiple of a step then roundTo gives the same double as toFixed', () => {
    let seed = 7;
    const next = (): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const mismatches: string[] = [];
    for (const step of [1e-8, 1e-6, 1e-5, 1e-4, 0.001, 0.01, 0.1, 1, 10]) {
      for (let i = 0; i < 50_000; i++) {
        const value = Math.floor(next() * 1e7) * step;
        if (roundTo(value, step) !== viaToFixed(value, step)) mismatches.push(`${value} on step ${step}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('when float noise creeps in then it is removed', () => {
    expect(3 * 0.1).not.toBe(0.3);
    expect(roundTo(3 * 0.1, 0.1)).toBe(0.3);
    expect(floorToStep(0.1 + 0.2, 0.1)).toBe(0.3);
    expect(floorToStep(0.12999, 0.01)).toBe(0.12);
    expect(roundToTick(27_123.456, 0.01)).toBe(27_123.46);
  });
});
