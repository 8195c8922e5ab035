import { TURNOVER_REASONS } from '../model/reason-codes.js';
import type { Ledger } from '../ports/ledger.js';
import type { GateDayStats } from '../model/gate-day-stats.js';

export type { GateDayStats } from '../model/gate-day-stats.js';

const KEY_PREFIX = 'gate.stats.';

type Store = Pick<Ledger, 'getSetting' | 'setSetting'>;

/**
 * Counts the gate's decisions per UTC market day. The current day's counts live in memory and
 * are written to the ledger's settings (`gate.stats.YYYY-MM-DD`) by `flush`, which the engine
 * calls with its market-time checkpoint; a restart picks the day up where the ledger has it,
 * and past days stay readable for reports.
 */
export class GateStats {
  private current: { day: string; evaluated: number; allowed: number; reasons: Map<string, number> } | null = null;
  private dirty = false;

  constructor(private readonly store: Store) {}

  /** One judged entry signal: `reason` null when it became an order, else the deciding reason. */
  record(day: string, reason: string | null): void {
    const current = this.dayState(day);
    current.evaluated++;
    if (reason === null) current.allowed++;
    else current.reasons.set(reason, (current.reasons.get(reason) ?? 0) + 1);
    this.dirty = true;
  }

  /** The counts of `day`: from memory when it is the current day, else from the ledger (zeros when none). */
  forDay(day: string): GateDayStats {
    if (this.current?.day === day) return summarise(day, this.current.evaluated, this.current.allowed, this.current.reasons);
    const stored = this.store.getSetting<GateDayStats>(KEY_PREFIX + day);
    return stored ?? summarise(day, 0, 0, new Map());
  }

  /** Writes the current day's counts if they changed since the last flush. */
  flush(): void {
    if (!this.dirty || !this.current) return;
    this.store.setSetting(KEY_PREFIX + this.current.day, this.forDay(this.current.day));
    this.dirty = false;
  }

  private dayState(day: string) {
    if (this.current?.day === day) return this.current;
    this.flush();
    const stored = this.store.getSetting<GateDayStats>(KEY_PREFIX + day);
    this.current = {
      day,
      evaluated: stored?.evaluated ?? 0,
      allowed: stored?.allowed ?? 0,
      reasons: new Map(Object.entries(stored?.rejection_reasons ?? {})),
    };
    return this.current;
  }
}

function summarise(day: string, evaluated: number, allowed: number, reasons: ReadonlyMap<string, number>): GateDayStats {
  let turnover = 0;
  for (const [reason, count] of reasons) if (TURNOVER_REASONS.has(reason)) turnover += count;
  return {
    day,
    evaluated,
    allowed,
    rejected: evaluated - allowed,
    // Code-unit order: the same on every machine, and no collator to build (localeCompare's first call costs milliseconds).
    rejection_reasons: Object.fromEntries([...reasons].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    turnover_blocked: turnover,
    turnover_block_rate: evaluated > 0 ? turnover / evaluated : null,
  };
}
