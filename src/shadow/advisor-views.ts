import type { Signal } from '../model/signal.js';
import type { BookView, DecisionView, Recommendation } from './advisor.js';
import type { DecisionLine } from './decision-lines.js';
import type { ShadowSeat } from './shadow-seat.js';

/*
 * What crosses between the shadow runner and its advisors, as plain data: decisions and books
 * go out as views (never the books themselves), recommendations come back and become signals
 * for the advisor's own shadow book.
 */

/** Completed days shown to advisors per book. */
const DAYS_SHOWN = 60;

export function decisionViewOf(line: DecisionLine, signal: Signal): DecisionView {
  return {
    id: line.id,
    role: line.role,
    strategy: line.strategy,
    symbol: line.symbol,
    action: line.action,
    market_time: signal.market_time,
    price: line.price,
    confidence: line.confidence,
    score: line.score,
    threshold: line.threshold,
    expected_value_pct: line.expected_value_pct,
    cost_estimate_pct: line.cost_estimate_pct,
    stop: signal.stop ?? null,
    target: signal.target ?? null,
    trailing: signal.trailing ? { ...signal.trailing } : null,
    gate: line.gate,
    executed: line.executed,
  };
}

export function bookViewOf(seat: ShadowSeat): BookView {
  const { book } = seat;
  return {
    name: seat.name,
    role: seat.role,
    equity: book.equity(),
    cash: book.cash,
    trades: seat.trades,
    net_pnl: seat.totalNetPnl,
    positions: book.openPositions().map((p) => ({ symbol: p.symbol, strategy: p.strategy, quantity: p.quantity, entry: p.entry, mark: p.mark, opened_at: p.openedAt })),
    pending_symbols: book.pendingOrders().map((o) => o.symbol),
    daily_returns: seat.completedDays.slice(-DAYS_SHOWN).map((d) => ({ day: d.day, return_pct: d.startEquity > 0 ? ((d.endEquity - d.startEquity) / d.startEquity) * 100 : 0 })),
  };
}

export function signalOfRecommendation(advisor: string, r: Recommendation): Signal {
  return {
    strategy: advisor,
    symbol: r.symbol,
    direction: r.action,
    score: r.score,
    threshold: r.threshold,
    confidence: r.confidence,
    expected_value_pct: r.expected_value_pct,
    cost_estimate_pct: r.cost_estimate_pct,
    reason: r.reason,
    market_time: r.market_time,
    price: r.price,
    ...(r.stop === undefined ? {} : { stop: r.stop }),
    target: r.target ?? null,
    trailing: r.trailing ? { ...r.trailing } : null,
  };
}

/** A recommendation a book can take: a known action and symbol, a positive price, a candle not in the future. */
export function isUsableRecommendation(r: Recommendation, ts: number): boolean {
  return (r.action === 'long' || r.action === 'exit') && typeof r.symbol === 'string' && r.price > 0 && Number.isFinite(r.price) && Number.isFinite(r.market_time) && r.market_time <= ts;
}
