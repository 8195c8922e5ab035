/** Small, exact-enough arithmetic the reports share. Nothing here rounds unless it says so. */

/** Counts by key, keys sorted, so the JSON is stable. */
export function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) {
    const k = key(item);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return sortedRecord(counts);
}

/** A map as a plain object with its keys in code-unit order. */
export function sortedRecord<V>(entries: ReadonlyMap<string, V>): Record<string, V> {
  return Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Groups items by key, keys in code-unit order. */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): Array<[string, T[]]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Sums of cash to 8 decimals, so float noise does not show in a report. */
export function roundCash(value: number): number {
  return Math.round(value * 1e8) / 1e8;
}

/** Ratios and percentages to 6 decimals. */
export function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

export function sum(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

export function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : sum(values) / values.length;
}

/** Sample standard deviation (n − 1); null below two values. */
export function sampleStd(values: readonly number[]): number | null {
  if (values.length < 2) return null;
  const m = sum(values) / values.length;
  let acc = 0;
  for (const v of values) acc += (v - m) ** 2;
  return Math.sqrt(acc / (values.length - 1));
}

/** mean ÷ sample std, not annualised; null below two values or with no dispersion. */
export function perObservationSharpe(values: readonly number[]): number | null {
  const m = mean(values);
  const s = sampleStd(values);
  if (m === null || s === null || s <= 1e-12 * Math.max(1, Math.abs(m))) return null;
  return m / s;
}

/** A ratio, or null when the denominator is 0. */
export function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}
