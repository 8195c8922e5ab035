import { readJsonFile, renameSyncWithRetry, writeJsonAtomic } from '../io/atomic-write.js';
import { InvariantError } from '../model/errors.js';
import type { WallClock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import { clampedStep, equalWeights, MAX_DAILY_WEIGHT_SHIFT, normaliseWeights, type Weights } from './weight-clamp.js';

/** History entries kept in the file; older ones are dropped first. */
const HISTORY_KEPT = 1000;

export interface WeightHistoryEntry {
  /** Wall time (ISO). */
  readonly at: string;
  /** Market time (ISO) of the batch the proposal came with; null for a reset at start. */
  readonly market_time: string | null;
  readonly day: string | null;
  readonly advisor: string;
  readonly event: 'shift' | 'rejected' | 'reset';
  /** `critical` when the proposal tried to shift a weight by more than the clamp. */
  readonly severity: 'info' | 'warning' | 'critical';
  readonly strategy: string | null;
  readonly from: number | null;
  readonly requested: number | null;
  readonly applied: number | null;
  /** Shifts against the day's opening weight. */
  readonly requested_shift: number | null;
  readonly applied_shift: number | null;
  readonly clamped: boolean;
  readonly reason: string;
}

/** data/rl/strategy_weights.json. */
export interface StrategyWeightsDocument {
  readonly schema_version: 1;
  readonly updated_at: string;
  readonly market_time: string | null;
  readonly max_daily_shift: number;
  /** The UTC market day `day_open_weights` belong to. */
  readonly day: string | null;
  readonly weights: Weights;
  readonly day_open_weights: Weights;
  readonly history: readonly WeightHistoryEntry[];
}

export interface StrategyWeightsOptions {
  /** The weights file; null keeps the weights in memory only (tests, backtests). */
  readonly file: string | null;
  /** The strategies weighted: the champion and the challengers. */
  readonly strategies: readonly string[];
  readonly clock: WallClock;
  readonly logger: Logger;
  readonly maxDailyShift?: number;
}

export interface WeightUpdate {
  readonly changed: boolean;
  readonly weights: Weights;
  readonly violations: number;
}

/**
 * The strategy weights advisors propose, and the one place the clamp is enforced: whatever an
 * advisor asks for, no weight moves more than `maxDailyShift` (absolute, 0.10) away from its
 * weight at the start of the UTC market day. A proposal that tries is applied only as far as
 * the clamp allows, logged at pino `fatal` (level 60) with `alert: "critical"` and the
 * runbook's "CLAMP VIOLATION: …" message, and recorded in the file's history with
 * `severity: "critical"`. Every change is written with an atomic replace.
 */
export class StrategyWeights {
  private current: Weights;
  private day: string | null;
  private dayOpen: Weights;
  private marketTime: number | null;
  private history: WeightHistoryEntry[];
  private readonly maxShift: number;

  constructor(private readonly options: StrategyWeightsOptions) {
    this.maxShift = options.maxDailyShift ?? MAX_DAILY_WEIGHT_SHIFT;
    const keys = [...new Set(options.strategies)];
    if (keys.length === 0) throw new RangeError('strategy weights need at least one strategy');
    const loaded = this.load();
    const sameSet = loaded !== null && sameKeys(Object.keys(loaded.weights), keys) && normaliseWeights(loaded.weights) !== null;
    if (loaded !== null && sameSet) {
      this.current = Object.freeze({ ...loaded.weights });
      this.day = loaded.day;
      this.dayOpen = Object.freeze({ ...(sameKeys(Object.keys(loaded.day_open_weights ?? {}), keys) ? loaded.day_open_weights : loaded.weights) });
      this.marketTime = loaded.market_time === null ? null : Date.parse(loaded.market_time);
      this.history = [...loaded.history];
      return;
    }
    this.current = Object.freeze(equalWeights(keys));
    this.day = null;
    this.dayOpen = this.current;
    this.marketTime = null;
    this.history = loaded?.history ? [...loaded.history] : [];
    const reason = loaded === null ? 'no weights yet: equal weights' : 'the weighted strategies changed: equal weights';
    this.record({ market_time: null, day: null, advisor: 'system', event: 'reset', severity: 'info', strategy: null, from: null, requested: null, applied: null, requested_shift: null, applied_shift: null, clamped: false, reason });
    this.save();
  }

  get weights(): Weights {
    return this.current;
  }

  /** The weights the day of `marketTime` opened with: the clamp's reference. */
  dayOpenWeights(marketTime: number): Weights {
    return utcDay(marketTime) === this.day ? this.dayOpen : this.current;
  }

  get maxDailyShift(): number {
    return this.maxShift;
  }

  /** The file's document as it stands. */
  document(): StrategyWeightsDocument {
    return {
      schema_version: 1,
      updated_at: new Date(this.options.clock.now()).toISOString(),
      market_time: this.marketTime === null ? null : new Date(this.marketTime).toISOString(),
      max_daily_shift: this.maxShift,
      day: this.day,
      weights: this.current,
      day_open_weights: this.dayOpen,
      history: this.history,
    };
  }

  /**
   * Applies an advisor's proposal as far as the clamp allows. Strategies it leaves out keep
   * their weight; unknown ones are ignored; the rest is normalised to sum 1. A proposal with a
   * negative or non-finite weight is refused whole.
   */
  propose(advisor: string, proposal: Weights, marketTime: number): WeightUpdate {
    const day = utcDay(marketTime);
    if (day !== this.day) {
      this.day = day;
      this.dayOpen = this.current;
    }
    this.marketTime = marketTime;
    const unknown = Object.keys(proposal).filter((k) => !(k in this.current));
    if (unknown.length > 0) this.options.logger.warn({ advisor, unknown }, `advisor ${advisor} proposed weights for strategies that are not weighted; ignored them`);
    const merged = normaliseWeights(Object.fromEntries(Object.keys(this.current).map((k) => [k, proposal[k] ?? this.current[k] ?? 0])));
    const base = { market_time: new Date(marketTime).toISOString(), day, advisor };
    if (merged === null) {
      this.options.logger.error({ advisor, proposal }, `advisor ${advisor} proposed weights that are negative, not numbers or all zero; refused`);
      this.record({ ...base, event: 'rejected', severity: 'warning', strategy: null, from: null, requested: null, applied: null, requested_shift: null, applied_shift: null, clamped: false, reason: 'negative, non-finite or all-zero weights' });
      this.save();
      return { changed: false, weights: this.current, violations: 0 };
    }
    const step = clampedStep(this.current, merged, this.dayOpen, this.maxShift);
    const violated = new Map(step.violations.map((v) => [v.strategy, v]));
    let changed = false;
    for (const key of Object.keys(this.current)) {
      const from = this.current[key] ?? 0;
      const applied = step.weights[key] ?? 0;
      const open = this.dayOpen[key] ?? 0;
      // A shift past the clamp here would be a bug in the clamp itself, never something to write.
      if (Math.abs(applied - open) > this.maxShift + 1e-9) throw new InvariantError(`weight of ${key} would move ${applied - open} in one day, past the clamp ${this.maxShift}`);
      const violation = violated.get(key);
      if (applied === from && !violation) continue;
      changed ||= applied !== from;
      const requested = merged[key] ?? 0;
      if (violation) {
        this.options.logger.fatal(
          { alert: 'critical', event: 'clamp_violation', advisor, strategy: key, day, requested_shift: violation.requestedShift, applied_shift: violation.appliedShift, max_daily_shift: this.maxShift },
          `CLAMP VIOLATION: Strategy ${key} shifted ${pct(violation.requestedShift)}, exceeds max ${pct(this.maxShift, false)}; applied ${pct(violation.appliedShift)} (advisor ${advisor})`,
        );
      }
      this.record({
        ...base,
        event: 'shift',
        severity: violation ? 'critical' : 'info',
        strategy: key,
        from,
        requested,
        applied,
        requested_shift: requested - open,
        applied_shift: applied - open,
        clamped: violation !== undefined,
        reason: violation ? `requested a shift of ${pct(requested - open)} today, past the ${pct(this.maxShift, false)} clamp` : 'within the clamp',
      });
    }
    this.current = Object.freeze(step.weights);
    if (changed || violated.size > 0) this.save();
    return { changed, weights: this.current, violations: violated.size };
  }

  private record(entry: Omit<WeightHistoryEntry, 'at'>): void {
    this.history.push({ at: new Date(this.options.clock.now()).toISOString(), ...entry });
    if (this.history.length > HISTORY_KEPT) this.history.splice(0, this.history.length - HISTORY_KEPT);
  }

  private save(): void {
    if (this.options.file !== null) writeJsonAtomic(this.options.file, this.document());
  }

  /** The file as it was left, or null when there is none; a file that does not parse is moved aside. */
  private load(): StrategyWeightsDocument | null {
    const { file, logger } = this.options;
    if (file === null) return null;
    try {
      const doc = readJsonFile<StrategyWeightsDocument>(file);
      if (doc === undefined) return null;
      if (doc.schema_version !== 1 || typeof doc.weights !== 'object' || doc.weights === null || !Array.isArray(doc.history)) throw new Error('not a strategy weights document');
      return doc;
    } catch (error) {
      const aside = `${file}.unreadable`;
      renameSyncWithRetry(file, aside);
      logger.error({ err: error, file, moved_to: aside }, `${file} could not be read (${(error as Error).message}); moved it aside and started from equal weights`);
      return null;
    }
  }
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((k) => b.includes(k));
}

function utcDay(ts: number): string {
  return new Date(ts).toISOString().slice(0, 10);
}

function pct(fraction: number, signed = true): string {
  const text = `${(Math.abs(fraction) * 100).toFixed(1)}%`;
  return signed ? `${fraction < 0 ? '-' : '+'}${text}` : text;
}
