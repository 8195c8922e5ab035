import type { Candle } from '../../model/candle.js';
import type { CandleBatch } from '../../ports/market-feed.js';

/**
 * Merges the closed candles of several symbols, polled independently, into batches in time order.
 *
 * An open time goes out only once every symbol still expected has reported it (or reported a later
 * one): the slowest live symbol sets the horizon. A stale symbol no longer holds the others back;
 * candles it delivers later than the batches already out are dropped and counted as late, because
 * market time never goes backwards. Batches up to the warm-up edge (the newest candle that had
 * closed when the history was fetched, or the resume point if later) are flagged warm-up.
 */
export class BatchAssembler {
  private readonly pending = new Map<string, Candle[]>();
  private readonly historyEdges = new Map<string, number>();
  private edge: number | null = null;
  lastDeliveredTs: number | null = null;

  constructor(
    private readonly symbols: readonly string[],
    private readonly after: number | null,
  ) {
    for (const symbol of symbols) this.pending.set(symbol, []);
  }

  /** The newest closed open time in a symbol's start-up history, whether or not its candles are replayed. */
  noteHistory(symbol: string, newestClosed: number): void {
    if (!this.historyEdges.has(symbol)) this.historyEdges.set(symbol, newestClosed);
  }

  add(symbol: string, candles: readonly Candle[]): void {
    this.pending.get(symbol)?.push(...candles);
  }

  /**
   * Batches that can go out now, given each symbol's newest closed open time and which symbols are
   * still expected (not stale). Also returns the candles dropped as late, per symbol.
   */
  release(cursors: ReadonlyMap<string, number | null>, awaited: readonly string[]): { batches: CandleBatch[]; late: Map<string, number> } {
    const horizon = awaited.length === 0 ? Infinity : Math.min(...awaited.map((s) => cursors.get(s) ?? -Infinity));
    const late = new Map<string, number>();
    if (horizon === -Infinity) return { batches: [], late };
    const byTs = new Map<number, Candle[]>();
    for (const symbol of this.symbols) {
      const queue = this.pending.get(symbol)!;
      let taken = 0;
      while (taken < queue.length && queue[taken]!.ts <= horizon) {
        const candle = queue[taken++]!;
        if (this.lastDeliveredTs !== null && candle.ts <= this.lastDeliveredTs) {
          late.set(symbol, (late.get(symbol) ?? 0) + 1);
          continue;
        }
        const group = byTs.get(candle.ts) ?? [];
        group.push(candle);
        byTs.set(candle.ts, group);
      }
      queue.splice(0, taken);
    }
    if (byTs.size === 0) return { batches: [], late };
    this.edge ??= this.firstWarmupEdge();
    const edge = this.edge;
    const batches = [...byTs.keys()]
      .sort((a, b) => a - b)
      .map((ts) => ({ ts, candles: byTs.get(ts)!, warmup: edge !== null && ts <= edge }));
    this.lastDeliveredTs = batches[batches.length - 1]!.ts;
    return { batches, late };
  }

  /** Open time up to which batches are warm-up; fixed by the first release. */
  get warmupEdge(): number | null {
    return this.edge;
  }

  /** The newest candle every symbol's start-up history had closed (the slowest symbol's), or null. */
  get historyEdge(): number | null {
    const edges = [...this.historyEdges.values()];
    return edges.length > 0 ? Math.min(...edges) : null;
  }

  private firstWarmupEdge(): number | null {
    const history = this.historyEdge;
    if (history === null) return this.after;
    return this.after === null ? history : Math.max(history, this.after);
  }
}
