import { writeJsonAtomic } from '../io/atomic-write.js';
import { JsonlAppender, readJsonl } from '../io/jsonl.js';
import type { TradeRecord } from '../model/position.js';
import type { Ledger } from '../ports/ledger.js';

/**
 * logs/all_trades.jsonl and logs/trades_today.json, kept in step with the ledger, which is the
 * source of truth: at start, any trade the ledger has and the log lacks is appended.
 */
export class TradeFiles {
  private readonly appender: JsonlAppender;
  private today: { date: string; trades: TradeRecord[] } | null = null;
  private dayStartMs = -Infinity;

  constructor(private readonly allTradesFile: string, private readonly todayFile: string, private readonly ledger: Ledger) {
    this.appender = new JsonlAppender(allTradesFile);
  }

  /** Appends ledger trades missing from the log; returns how many. */
  reconcile(): { appended: number; skippedLines: number[] } {
    const { records, skipped } = readJsonl<{ id?: string }>(this.allTradesFile);
    const logged = new Set(records.map((r) => r.id));
    let appended = 0;
    let latest: TradeRecord | null = null;
    for (const trade of this.ledger.allTrades()) {
      if (logged.has(trade.id)) continue;
      this.appender.append(trade);
      appended++;
      latest = trade;
    }
    // The crash that kept them from the log kept them from trades_today.json too.
    if (latest !== null) this.rollTo(latest.closed_at.slice(0, 10));
    return { appended, skippedLines: skipped };
  }

  /** A trade the ledger has just committed. */
  record(trade: TradeRecord): void {
    this.appender.append(trade);
    const day = trade.closed_at.slice(0, 10);
    this.rollTo(day);
    // A roll reads the day from the ledger, which already holds this trade: never count it twice.
    // A trade of an earlier day (the old day's last candle after a live mark moved the day on) is not today's.
    if (this.today?.date === day && !this.today.trades.some((t) => t.id === trade.id)) this.today.trades.push(trade);
    this.writeToday();
  }

  /** Starts a new trades_today.json when the market day changes; the day never goes back. */
  rollTo(day: string): void {
    if (this.today !== null && day <= this.today.date) return;
    if (this.today === null) {
      // At start: a trade the ledger already has from a later day (a live mark ran past the candles) keeps that day, as before the restart.
      const later = this.ledger.tradesClosedBetween(new Date(Date.parse(`${day}T00:00:00.000Z`) + 86_400_000).toISOString(), '9999-12-31T00:00:00.000Z').at(-1);
      if (later) day = later.closed_at.slice(0, 10);
    }
    const from = `${day}T00:00:00.000Z`;
    const next = new Date(Date.parse(from) + 86_400_000).toISOString();
    this.today = { date: day, trades: this.ledger.tradesClosedBetween(from, next) };
    this.writeToday();
  }

  /** Per candle: only arithmetic until the market time leaves the current day. */
  rollToTime(marketTime: number): void {
    if (marketTime >= this.dayStartMs && marketTime < this.dayStartMs + 86_400_000) return;
    this.dayStartMs = marketTime - (marketTime % 86_400_000);
    this.rollTo(new Date(this.dayStartMs).toISOString().slice(0, 10));
  }

  close(): void {
    this.appender.close();
  }

  private writeToday(): void {
    if (!this.today) return;
    const trades = this.today.trades;
    const wins = trades.filter((t) => t.net_pnl > 0).length;
    const losses = trades.filter((t) => t.net_pnl < 0).length;
    const totalPnl = Math.round(trades.reduce((sum, t) => sum + t.net_pnl, 0) * 1e8) / 1e8;
    writeJsonAtomic(this.todayFile, {
      date: this.today.date,
      trades,
      summary: { total_trades: trades.length, wins, losses, win_rate: trades.length > 0 ? wins / trades.length : null, total_pnl: totalPnl },
    });
  }
}

