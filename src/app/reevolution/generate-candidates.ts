import { rangeValues, type ParamRange } from './parameter-space.js';
import { seededRandom } from './seeded-random.js';

export interface CandidateOptions {
  readonly space: readonly ParamRange[];
  /** The champion's values of the searched parameters: always candidate 0, the baseline. */
  readonly current: Readonly<Record<string, number>>;
  readonly search: 'random' | 'grid';
  readonly maxCandidates: number;
  readonly gridLevels: number;
  readonly seed: number;
  /** Whether the strategy accepts the combination (slow > fast, …). */
  readonly isValid: (params: Readonly<Record<string, number>>) => boolean;
}

/**
 * Parameter sets to try, the current one first, then up to maxCandidates − 1 distinct valid
 * others: uniformly drawn from each range's steps (random), or `gridLevels` evenly spaced values
 * per parameter combined, thinned by a seeded shuffle (grid). The same seed gives the same list.
 */
export function generateCandidates(options: CandidateOptions): Array<Readonly<Record<string, number>>> {
  const random = seededRandom(options.seed);
  const seen = new Set<string>();
  const key = (p: Readonly<Record<string, number>>) => options.space.map((r) => p[r.key]).join('|');
  const out: Array<Readonly<Record<string, number>>> = [options.current];
  seen.add(key(options.current));
  const take = (p: Readonly<Record<string, number>>) => {
    const k = key(p);
    if (out.length >= options.maxCandidates || seen.has(k) || !options.isValid(p)) return;
    seen.add(k);
    out.push(p);
  };
  const values = options.space.map((range) => ({ key: range.key, values: rangeValues(range) }));
  if (options.search === 'random') {
    for (let attempt = 0; attempt < options.maxCandidates * 50 && out.length < options.maxCandidates; attempt++) {
      take(Object.fromEntries(values.map((v) => [v.key, v.values[Math.floor(random() * v.values.length)]!])));
    }
    return out;
  }
  const levels = values.map((v) => ({ key: v.key, values: evenlySpaced(v.values, options.gridLevels) }));
  let grid: Array<Record<string, number>> = [{}];
  for (const level of levels) grid = grid.flatMap((partial) => level.values.map((value) => ({ ...partial, [level.key]: value })));
  for (let i = grid.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [grid[i], grid[j]] = [grid[j]!, grid[i]!];
  }
  for (const p of grid) take(p);
  return out;
}

function evenlySpaced(values: readonly number[], count: number): number[] {
  if (values.length <= count) return [...values];
  return [...new Set(Array.from({ length: count }, (_, i) => values[Math.round((i * (values.length - 1)) / (count - 1))]!))];
}
