import type { TradeRecord } from '../model/position.js';

/*
 * Performance metrics over closed trades, defined so the numbers compare with freqtrade's reports.
 * A pure function of (trades, starting balance, annualisation); it rounds nothing (callers format).
 *
 * Decisions:
 * - Order: trades are sorted by closed_at (as an instant), ties by id (code-unit order), before
 *   anything path-dependent (balances, drawdowns, daily returns).
 * - Outcome: a win is net_pnl > 0, a loss net_pnl < 0. A break-even trade (net_pnl === 0) counts in
 *   `trades` and `breakevens` but in neither `wins` nor `losses`.
 * - Rates: win_rate = wins / trades and loss rate = losses / trades (all trades are the denominator,
 *   as in freqtrade), as fractions 0..1. So expectancy = win_rate × avg_win − loss_rate × |avg_loss|
 *   equals avg_pnl, and a rate whose average is missing (no wins, no losses) contributes 0.
 * - Signs: avg_win is positive; avg_loss is the mean losing net PnL as a NEGATIVE number
 *   (freqtrade-style); expectancy and expectancy_ratio use its magnitude. expectancy_ratio is null
 *   without losses (freqtrade prints a sentinel 100 there; JSON gets null).
 * - Units: max_drawdown_abs in quote currency; max_drawdown_pct in percent (12.5 = 12.5 %); cagr and
 *   win_rate as fractions; cost_drag_bps = (Σ fees + Σ slippage) ÷ Σ (entry × quantity) × 10 000.
 * - Drawdown: over the balance after each closed trade, from its running peak, the starting balance
 *   being the first peak; abs and pct are maximised separately (they may come from different falls).
 *   With trades but no fall both are 0.
 * - Period: from the earliest opened_at of any trade (or closed_at, should a record close before it
 *   opens) to the last closed_at. Daily returns cover every
 *   UTC calendar day in it (both ends included); the end-of-day balance includes every trade closed
 *   on or before that day, days without closes carry the balance forward, and the first day's
 *   return is against the starting balance. `days` for calmar and cagr is the whole days
 *   (floored) of that period, at least 1.
 * - Nulls: any value that cannot be computed is null, never NaN or ±Infinity. sharpe: fewer than 2
 *   daily returns or zero std; sortino: no negative daily return or zero std among them; calmar:
 *   zero drawdown; sqn: fewer than 2 trades or zero std; profit_factor: no loss. If the balance
 *   ever falls to 0 or below, the daily returns after it are undefined, so sharpe and sortino are
 *   null; cagr is null when the final balance is negative. A std within a few ulps of 0 (what
 *   floating point makes of identical values) counts as 0.
 * - No trades: trades/wins/losses/breakevens 0, total_pnl 0, everything else null.
 * - Invalid input (starting balance or annualisation not finite and > 0, an unparsable timestamp,
 *   a non-finite number in a trade) throws a RangeError rather than producing a quiet wrong number.
 */

export const DEFAULT_ANNUALIZATION_DAYS = 365;

export interface MetricsOptions {
  /** √ of this scales sharpe, sortino and calmar. Default 365 (crypto trades every day). */
  readonly annualizationDays?: number;
}

export interface PerformanceMetrics {
  readonly trades: number;
  readonly wins: number;
  readonly losses: number;
  readonly breakevens: number;
  /** wins ÷ trades, 0..1. */
  readonly win_rate: number | null;
  readonly total_pnl: number;
  readonly avg_pnl: number | null;
  readonly avg_win: number | null;
  /** Mean losing net PnL, negative. */
  readonly avg_loss: number | null;
  readonly profit_factor: number | null;
  readonly expectancy: number | null;
  readonly expectancy_ratio: number | null;
  readonly sqn: number | null;
  /** Quote currency. */
  readonly max_drawdown_abs: number | null;
  /** Percent of the peak it fell from. */
  readonly max_drawdown_pct: number | null;
  readonly sharpe: number | null;
  readonly sortino: number | null;
  readonly calmar: number | null;
  /** Fraction per year. */
  readonly cagr: number | null;
  readonly cost_drag_bps: number | null;
}

const DAY_MS = 86_400_000;

/** The metrics of no trades: counts and total_pnl 0, everything else null. */
export function emptyMetrics(): PerformanceMetrics {
  return {
    trades: 0,
    wins: 0,
    losses: 0,
    breakevens: 0,
    win_rate: null,
    total_pnl: 0,
    avg_pnl: null,
    avg_win: null,
    avg_loss: null,
    profit_factor: null,
    expectancy: null,
    expectancy_ratio: null,
    sqn: null,
    max_drawdown_abs: null,
    max_drawdown_pct: null,
    sharpe: null,
    sortino: null,
    calmar: null,
    cagr: null,
    cost_drag_bps: null,
  };
}

export function computeMetrics(
  trades: readonly TradeRecord[],
  startingBalance: number,
  options: MetricsOptions = {},
): PerformanceMetrics {
  if (!Number.isFinite(startingBalance) || startingBalance <= 0) {
    throw new RangeError(`starting balance must be a finite number > 0, got ${startingBalance}`);
  }
  const annualizationDays = options.annualizationDays ?? DEFAULT_ANNUALIZATION_DAYS;
  if (!Number.isFinite(annualizationDays) || annualizationDays <= 0) {
    throw new RangeError(`annualizationDays must be a finite number > 0, got ${annualizationDays}`);
  }
  if (trades.length === 0) return emptyMetrics();

  const sorted = sortTrades(trades);
  const n = sorted.length;
  const pnls = sorted.map((t) => t.trade.net_pnl);

  let wins = 0;
  let losses = 0;
  let winSum = 0;
  let lossSum = 0;
  for (const pnl of pnls) {
    if (pnl > 0) {
      wins += 1;
      winSum += pnl;
    } else if (pnl < 0) {
      losses += 1;
      lossSum += pnl;
    }
  }
  const totalPnl = sum(pnls);
  const winRate = wins / n;
  const lossRate = losses / n;
  const avgWin = wins > 0 ? winSum / wins : null;
  const avgLoss = losses > 0 ? lossSum / losses : null;
  const avgLossMagnitude = avgLoss === null ? null : Math.abs(avgLoss);

  const expectancy = winRate * (avgWin ?? 0) - lossRate * (avgLossMagnitude ?? 0);
  const expectancyRatio =
    avgLossMagnitude === null || avgLossMagnitude === 0
      ? null
      : (1 + (avgWin ?? 0) / avgLossMagnitude) * winRate - 1;
  const profitFactor = losses > 0 ? winSum / Math.abs(lossSum) : null;

  const sqn = computeSqn(pnls.map((pnl) => pnl / startingBalance));
  const drawdown = maxDrawdown(pnls, startingBalance);

  // A loop, not Math.min(...spread): a long history would overflow the argument stack.
  let firstOpenMs = Number.POSITIVE_INFINITY;
  for (const t of sorted) firstOpenMs = Math.min(firstOpenMs, t.openMs, t.closeMs);
  const lastCloseMs = sorted[n - 1]?.closeMs ?? firstOpenMs;
  const days = Math.max(1, Math.floor((lastCloseMs - firstOpenMs) / DAY_MS));
  const annualization = Math.sqrt(annualizationDays);

  const dailyReturns = computeDailyReturns(sorted, startingBalance, firstOpenMs, lastCloseMs);
  const finalBalance = startingBalance + totalPnl;
  const totalReturn = totalPnl / startingBalance;

  let notional = 0;
  let costs = 0;
  for (const { trade } of sorted) {
    notional += trade.entry * trade.quantity;
    costs += trade.fees + trade.slippage;
  }

  return {
    trades: n,
    wins,
    losses,
    breakevens: n - wins - losses,
    win_rate: finiteOrNull(winRate),
    total_pnl: totalPnl,
    avg_pnl: finiteOrNull(totalPnl / n),
    avg_win: finiteOrNull(avgWin),
    avg_loss: finiteOrNull(avgLoss),
    profit_factor: finiteOrNull(profitFactor),
    expectancy: finiteOrNull(expectancy),
    expectancy_ratio: finiteOrNull(expectancyRatio),
    sqn: finiteOrNull(sqn),
    max_drawdown_abs: finiteOrNull(drawdown.abs),
    max_drawdown_pct: finiteOrNull(drawdown.pct),
    sharpe: finiteOrNull(computeSharpe(dailyReturns, annualization)),
    sortino: finiteOrNull(computeSortino(dailyReturns, annualization)),
    calmar: finiteOrNull(
      drawdown.pct > 0 ? (((totalReturn / days) * 100) / (drawdown.pct / 100)) * annualization : null,
    ),
    cagr: finiteOrNull(finalBalance >= 0 ? (finalBalance / startingBalance) ** (365 / days) - 1 : null),
    cost_drag_bps: finiteOrNull(notional !== 0 ? (costs / notional) * 10_000 : null),
  };
}

interface TimedTrade {
  readonly trade: TradeRecord;
  readonly openMs: number;
  readonly closeMs: number;
}

const NUMERIC_FIELDS = ['entry', 'exit', 'quantity', 'net_pnl', 'fees', 'slippage'] as const;
const INSTANT_FIELDS = ['opened_at', 'closed_at'] as const;

/** What keeps `value` from being a trade the metrics can use, or null: for readers of trade logs. */
export function tradeRecordProblem(value: unknown): string | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'it is not a JSON object';
  const record = value as Record<string, unknown>;
  for (const field of NUMERIC_FIELDS) if (typeof record[field] !== 'number' || !Number.isFinite(record[field])) return `${field} is not a finite number`;
  for (const field of INSTANT_FIELDS) if (typeof record[field] !== 'string' || !Number.isFinite(Date.parse(record[field]))) return `${field} is not a timestamp`;
  return null;
}

function sortTrades(trades: readonly TradeRecord[]): TimedTrade[] {
  const timed = trades.map((trade): TimedTrade => {
    const problem = tradeRecordProblem(trade);
    if (problem !== null) throw new RangeError(`trade ${trade.id}: ${problem}`);
    return { trade, openMs: Date.parse(trade.opened_at), closeMs: Date.parse(trade.closed_at) };
  });
  return timed.sort(
    (a, b) => a.closeMs - b.closeMs || (a.trade.id < b.trade.id ? -1 : a.trade.id > b.trade.id ? 1 : 0),
  );
}

function utcDay(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

/**
 * One return per UTC calendar day from the first open's day to the last close's day, or null when
 * a day starts from a balance of 0 or below (a relative return is then meaningless).
 */
function computeDailyReturns(
  sorted: readonly TimedTrade[],
  startingBalance: number,
  firstOpenMs: number,
  lastCloseMs: number,
): number[] | null {
  const returns: number[] = [];
  let previous = startingBalance;
  let balance = startingBalance;
  let next = 0;
  for (let day = utcDay(firstOpenMs); day <= utcDay(lastCloseMs); day += 1) {
    for (let t = sorted[next]; t !== undefined && utcDay(t.closeMs) <= day; t = sorted[next]) {
      balance += t.trade.net_pnl;
      next += 1;
    }
    if (previous <= 0) return null;
    returns.push((balance - previous) / previous);
    previous = balance;
  }
  return returns;
}

function computeSharpe(returns: readonly number[] | null, annualization: number): number | null {
  if (returns === null || returns.length < 2) return null;
  const std = populationStd(returns);
  if (std === null) return null;
  return (mean(returns) / std) * annualization;
}

function computeSortino(returns: readonly number[] | null, annualization: number): number | null {
  if (returns === null) return null;
  const negatives = returns.filter((r) => r < 0);
  if (negatives.length === 0) return null;
  const downside = populationStd(negatives);
  if (downside === null) return null;
  return (mean(returns) / downside) * annualization;
}

function computeSqn(returns: readonly number[]): number | null {
  if (returns.length < 2) return null;
  const m = mean(returns);
  const variance = sum(returns.map((r) => (r - m) ** 2)) / (returns.length - 1);
  const std = nonZero(Math.sqrt(variance), returns);
  if (std === null) return null;
  return Math.sqrt(returns.length) * (m / std);
}

function maxDrawdown(pnls: readonly number[], startingBalance: number): { abs: number; pct: number } {
  let balance = startingBalance;
  let peak = startingBalance;
  let abs = 0;
  let pct = 0;
  for (const pnl of pnls) {
    balance += pnl;
    if (balance > peak) peak = balance;
    const fall = peak - balance;
    if (fall > abs) abs = fall;
    // peak >= startingBalance > 0, so the division is safe.
    const fallPct = (fall / peak) * 100;
    if (fallPct > pct) pct = fallPct;
  }
  return { abs, pct };
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

function mean(values: readonly number[]): number {
  return sum(values) / values.length;
}

/** Population std, or null when it is (numerically) zero. */
function populationStd(values: readonly number[]): number | null {
  const m = mean(values);
  return nonZero(Math.sqrt(sum(values.map((v) => (v - m) ** 2)) / values.length), values);
}

/** Treats a std within a few ulps of the data's scale as the 0 it stands for. */
function nonZero(std: number, values: readonly number[]): number | null {
  let scale = 0;
  for (const v of values) scale = Math.max(scale, Math.abs(v));
  return std > scale * Number.EPSILON * 16 ? std : null;
}

function finiteOrNull(value: number | null): number | null {
  return value !== null && Number.isFinite(value) ? value : null;
}
