/** Reference 002: "Strategy weighting shifts CLAMPED at 10 % per day" — absolute weight, per strategy, per UTC day. */
export const MAX_DAILY_WEIGHT_SHIFT = 0.1;

/** Float noise allowed when comparing a shift with the clamp. */
const EPS = 1e-9;

export type Weights = Readonly<Record<string, number>>;

export interface ClampViolation {
  readonly strategy: string;
  /** What the proposal asked for today: proposed − the day's opening weight. */
  readonly requestedShift: number;
  /** What today's total shift is after the clamp: new weight − the day's opening weight. */
  readonly appliedShift: number;
}

export interface ClampedStep {
  readonly weights: Weights;
  /** How far along the way from the current to the proposed weights the step went (1 = all the way). */
  readonly scale: number;
  readonly violations: readonly ClampViolation[];
}

/**
 * Moves `current` toward `proposed` as far as the day's clamp allows: every weight stays
 * within `maxShift` of its opening weight of the day. The step is one scale for all weights
 * (current + k × (proposed − current), k in [0, 1] as large as the clamp permits), so the
 * weights still sum to 1 and none goes negative; a proposal that stays inside the clamp is
 * applied as it is. Every weight whose proposal lies outside the clamp is a violation.
 * `current`, `proposed` and `dayOpen` have the same keys, each summing to 1.
 */
export function clampedStep(current: Weights, proposed: Weights, dayOpen: Weights, maxShift: number): ClampedStep {
  const keys = Object.keys(current);
  let scale = 1;
  const violations: ClampViolation[] = [];
  for (const key of keys) {
    const w = current[key] ?? 0;
    const p = proposed[key] ?? w;
    const open = dayOpen[key] ?? w;
    const delta = p - w;
    if (Math.abs(p - open) > maxShift + EPS) violations.push({ strategy: key, requestedShift: p - open, appliedShift: 0 });
    if (Math.abs(delta) <= EPS) continue;
    const room = delta > 0 ? open + maxShift - w : w - (open - maxShift);
    scale = Math.min(scale, Math.max(0, room) / Math.abs(delta));
  }
  const weights: Record<string, number> = {};
  for (const key of keys) {
    const w = current[key] ?? 0;
    weights[key] = tidy(w + scale * ((proposed[key] ?? w) - w));
  }
  return {
    weights,
    scale,
    violations: violations.map((v) => ({ ...v, appliedShift: (weights[v.strategy] ?? 0) - (dayOpen[v.strategy] ?? 0) })),
  };
}

/** `weights` scaled to sum to 1, or null when they cannot be: a negative or non-finite value, or nothing to share. */
export function normaliseWeights(weights: Weights): Weights | null {
  const values = Object.values(weights);
  if (values.some((v) => !Number.isFinite(v) || v < 0)) return null;
  const sum = values.reduce((a, b) => a + b, 0);
  if (!(sum > 0)) return null;
  return Object.fromEntries(Object.entries(weights).map(([k, v]) => [k, tidy(v / sum)]));
}

/** Equal shares over `keys`. */
export function equalWeights(keys: readonly string[]): Weights {
  return Object.fromEntries(keys.map((k) => [k, tidy(1 / keys.length)]));
}

/** Twelve decimals: enough for any weight, and no 0.30000000000000004 in the file. */
function tidy(value: number): number {
  return Number(value.toFixed(12));
}
