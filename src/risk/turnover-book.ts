import type { TradeRecord } from '../model/position.js';

const DAY_MS = 86_400_000;

interface SymbolTurnover {
  lastEntryAt: number | null;
  /** UTC day number (ms / 86 400 000) of `entriesThatDay`. */
  entryDay: number;
  entriesThatDay: number;
  lossStreak: number;
  lastLossAt: number | null;
}

/** What the turnover checks read about one symbol. */
export interface TurnoverState {
  readonly lastEntryAt: number | null;
  readonly lossStreak: number;
  readonly lastLossAt: number | null;
  entriesOnDayOf(at: number): number;
}

/**
 * Per-symbol turnover: when it was last entered, how often on the current UTC market day, and
 * its current run of losing trades. It is never stored: it is derived from the ledger (closed
 * trades and open positions, which carry their entry fill times) at start and then kept up
 * to date from the broker's fills, so a restart sees exactly what an uninterrupted run would.
 * An entry is a filled buy: an order rejected at the fill did not use up turnover.
 */
export class TurnoverBook {
  private readonly symbols = new Map<string, SymbolTurnover>();

  /** Rebuilds the book from the ledger's trades (in close order) and the open positions. */
  static fromLedger(trades: readonly TradeRecord[], openPositions: ReadonlyArray<{ readonly symbol: string; readonly openedAt: number }>): TurnoverBook {
    const book = new TurnoverBook();
    const entries = [...trades.map((t) => ({ symbol: t.symbol, at: Date.parse(t.opened_at) })), ...openPositions.map((p) => ({ symbol: p.symbol, at: p.openedAt }))];
    for (const entry of entries.sort((a, b) => a.at - b.at)) book.recordEntry(entry.symbol, entry.at);
    for (const trade of trades) book.recordExit(trade);
    return book;
  }

  recordEntry(symbol: string, at: number): void {
    const s = this.stateOf(symbol);
    const day = Math.floor(at / DAY_MS);
    if (day > s.entryDay) {
      s.entryDay = day;
      s.entriesThatDay = 0;
    }
    if (day === s.entryDay) s.entriesThatDay++;
    s.lastEntryAt = s.lastEntryAt === null ? at : Math.max(s.lastEntryAt, at);
  }

  /** A closed trade: a net loss (fees included) extends the symbol's streak, anything else ends it. */
  recordExit(trade: TradeRecord): void {
    const s = this.stateOf(trade.symbol);
    if (trade.net_pnl < 0) {
      s.lossStreak++;
      s.lastLossAt = Date.parse(trade.closed_at);
    } else {
      s.lossStreak = 0;
    }
  }

  state(symbol: string): TurnoverState {
    const s = this.symbols.get(symbol);
    return {
      lastEntryAt: s?.lastEntryAt ?? null,
      lossStreak: s?.lossStreak ?? 0,
      lastLossAt: s?.lastLossAt ?? null,
      entriesOnDayOf: (at) => (s && s.entryDay === Math.floor(at / DAY_MS) ? s.entriesThatDay : 0),
    };
  }

  private stateOf(symbol: string): SymbolTurnover {
    let s = this.symbols.get(symbol);
    if (!s) {
      s = { lastEntryAt: null, entryDay: -Infinity, entriesThatDay: 0, lossStreak: 0, lastLossAt: null };
      this.symbols.set(symbol, s);
    }
    return s;
  }
}
