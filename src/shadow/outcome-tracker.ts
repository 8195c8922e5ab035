import type { Candle } from '../model/candle.js';
import type { PendingOutcome, ShadowStore } from '../ports/shadow-store.js';
import { horizonLabel, type DecisionLine, type OutcomeLine } from './decision-lines.js';
import { outcomeOf } from './outcome-math.js';

export const DEFAULT_HORIZONS_MS: readonly number[] = [3_600_000, 14_400_000, 86_400_000];

/**
 * Decisions waiting for their outcomes, on market time. A decision taken on the candle that
 * opens at T is resolved at horizon h by the first candle of its symbol that opens at or
 * after T + h: that candle closes h after the decision's own candle closed, and its close is
 * the outcome's price. When candles are missing (a gap, a long outage of a live feed) the
 * next candle resolves it, late rather than never. Pending outcomes are kept in the store, so
 * a restarted daemon resolves what the previous one left.
 */
export class OutcomeTracker {
  private readonly bySymbol = new Map<string, PendingOutcome[]>();
  private readonly keys = new Set<string>();
  private readonly added: PendingOutcome[] = [];
  private readonly resolved: Array<{ decisionId: string; horizon: string }> = [];
  private readonly horizons: ReadonlyArray<{ readonly ms: number; readonly label: string }>;

  constructor(horizonsMs: readonly number[], restored: readonly PendingOutcome[]) {
    this.horizons = horizonsMs.map((ms) => ({ ms, label: horizonLabel(ms) }));
    if (new Set(this.horizons.map((h) => h.label)).size !== this.horizons.length) throw new RangeError(`outcome horizons must differ: ${this.horizons.map((h) => h.label).join(', ')}`);
    for (const pending of restored) this.index(pending);
  }

  get size(): number {
    let n = 0;
    for (const list of this.bySymbol.values()) n += list.length;
    return n;
  }

  /** Schedules every horizon of a decision just written (once: a decision already waiting is not scheduled twice). */
  track(line: DecisionLine, marketTime: number, takerFee: number, slippageBps: number): void {
    for (const { ms, label } of this.horizons) {
      const pending: PendingOutcome = { decisionId: line.id, symbol: line.symbol, action: line.action, price: line.price, horizon: label, dueAt: marketTime + ms, takerFee, slippageBps };
      if (this.index(pending)) this.added.push(pending);
    }
  }

  /** The outcome lines this candle completes, removing them from the waiting list. */
  resolve(candle: Candle): OutcomeLine[] {
    const list = this.bySymbol.get(candle.symbol);
    if (!list || list.length === 0 || (list[0]?.dueAt ?? Infinity) > candle.ts) return [];
    const lines: OutcomeLine[] = [];
    let done = 0;
    for (const pending of list) {
      if (pending.dueAt > candle.ts) break;
      const { return_pct, pnl_if_taken } = outcomeOf(pending, candle.close);
      lines.push({ type: 'outcome', decision_id: pending.decisionId, horizon: pending.horizon, price: candle.close, return_pct, pnl_if_taken });
      this.resolved.push({ decisionId: pending.decisionId, horizon: pending.horizon });
      this.keys.delete(keyOf(pending.decisionId, pending.horizon));
      done++;
    }
    list.splice(0, done);
    return lines;
  }

  /** Writes what changed since the last save; call inside the store's transaction, then `saved` once it commits. */
  write(store: ShadowStore): void {
    const resolvedKeys = new Set(this.resolved.map((r) => keyOf(r.decisionId, r.horizon)));
    // A decision resolved before it was ever stored needs no row at all.
    for (const pending of this.added) if (!resolvedKeys.has(keyOf(pending.decisionId, pending.horizon))) store.insertPendingOutcome(pending);
    for (const r of this.resolved) store.deletePendingOutcome(r.decisionId, r.horizon);
  }

  saved(): void {
    this.added.length = 0;
    this.resolved.length = 0;
  }

  private index(pending: PendingOutcome): boolean {
    const key = keyOf(pending.decisionId, pending.horizon);
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    let list = this.bySymbol.get(pending.symbol);
    if (!list) {
      list = [];
      this.bySymbol.set(pending.symbol, list);
    }
    // Kept in due order; decisions arrive nearly in order, so the scan from the end is short.
    let at = list.length;
    while (at > 0 && (list[at - 1]?.dueAt ?? -Infinity) > pending.dueAt) at--;
    list.splice(at, 0, pending);
    return true;
  }
}

function keyOf(decisionId: string, horizon: string): string {
  return `${decisionId}\n${horizon}`;
}
