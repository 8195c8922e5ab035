import type { Candle } from '../../model/candle.js';
import { InvalidReplyError } from './fault.js';

/** Data-integrity counters of one symbol's live candles. */
export interface CandleIntegrity {
  /** Rows repeating an open time within one reply. */
  duplicates: number;
  /** Rows older than the row before them, and replies older than what the exchange already said. */
  outOfOrder: number;
  /** Holes between consecutive closed candles, and how many candles they miss in total. */
  gaps: number;
  missingCandles: number;
  /** Closed candles that arrived after later candles had gone out (the symbol was stale): dropped. */
  late: number;
}

export type IntegrityEvent =
  | { readonly type: 'duplicate'; readonly ts: number }
  | { readonly type: 'out_of_order'; readonly ts: number; readonly after: number }
  | { readonly type: 'gap'; readonly from: number; readonly to: number; readonly missing: number };

/**
 * The closed candles of one symbol. The newest row of every reply is still forming: a candle
 * counts as closed only once the exchange has returned a later one. Each closed open time is
 * handed out once, in order; repeats, disorder and holes are counted, never smoothed over.
 */
export class ClosedCandles {
  /** Open time of the newest closed candle seen. */
  cursor: number | null = null;
  readonly integrity: CandleIntegrity = { duplicates: 0, outOfOrder: 0, gaps: 0, missingCandles: 0, late: 0 };

  constructor(
    readonly symbol: string,
    private readonly timeframeMs: number,
  ) {}

  /**
   * Takes one validated reply and returns the candles that closed since the last one. Throws an
   * InvalidReplyError when the exchange answers with data older than it already gave (a lagging
   * replica): that reply is handled like a failed request.
   */
  accept(rows: readonly Candle[]): { closed: Candle[]; events: IntegrityEvent[] } {
    const events: IntegrityEvent[] = [];
    const ordered: Candle[] = [];
    for (const row of rows) {
      const last = ordered[ordered.length - 1];
      if (last && row.ts === last.ts) {
        this.integrity.duplicates++;
        events.push({ type: 'duplicate', ts: row.ts });
      } else if (last && row.ts < last.ts) {
        this.integrity.outOfOrder++;
        events.push({ type: 'out_of_order', ts: row.ts, after: last.ts });
      } else ordered.push(row);
    }
    const forming = ordered[ordered.length - 1];
    if (!forming) return { closed: [], events };
    if (this.cursor !== null && forming.ts <= this.cursor) {
      this.integrity.outOfOrder++;
      throw new InvalidReplyError(`${this.symbol}: the newest candle ${iso(forming.ts)} is not after the last closed one ${iso(this.cursor)}`);
    }
    const closed = ordered.slice(0, -1).filter((c) => this.cursor === null || c.ts > this.cursor);
    let previous = this.cursor;
    for (const candle of closed) {
      if (previous !== null && candle.ts - previous > this.timeframeMs) {
        const missing = Math.round((candle.ts - previous) / this.timeframeMs) - 1;
        this.integrity.gaps++;
        this.integrity.missingCandles += missing;
        events.push({ type: 'gap', from: previous, to: candle.ts, missing });
      }
      previous = candle.ts;
    }
    if (previous !== null) this.cursor = previous;
    return { closed, events };
  }
}

function iso(ts: number): string {
  return new Date(ts).toISOString();
}
