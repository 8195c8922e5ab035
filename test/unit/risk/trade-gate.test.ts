import { describe, expect, it } from 'vitest';
import { Reason } from '../../../src/model/reason-codes.js';
import type { Signal } from '../../../src/model/signal.js';
import { DEFAULT_GATE_SETTINGS, entryRulesFor, type EntryRules } from '../../../src/risk/gate-settings.js';
import type { RiskSettings } from '../../../src/risk/risk-settings.js';
import { accountBlockers, judgeEntry, type GateAccount, type GateFlags, type GateInput } from '../../../src/risk/trade-gate.js';
import { TurnoverBook } from '../../../src/risk/turnover-book.js';
import type { TradeRecord } from '../../../src/model/position.js';
import { buyCost } from '../../../src/model/paper-accounting.js';
import { TEST } from '../broker/fixtures.js';

const H = 3_600_000;
const NOW = Date.parse('2026-03-10T12:00:00Z');
const S = TEST.symbol;

const noFlags: GateFlags = { killSwitch: false, emergencyStop: false, paused: false, halted: false, capitalPreservationBlocked: false, persistenceFailure: false, feedStale: false, warmingUp: false, dailyLossLimitHit: false };
const risk: RiskSettings = { risk_multiplier: 1, risk_per_trade_pct: 0.5, max_open_positions: 3, max_portfolio_heat_pct: 6, daily_loss_limit_pct: 5, max_multiplier: 2 };
const signal: Signal = { strategy: 'test', symbol: S, direction: 'long', score: 0.8, threshold: 0, confidence: 0.7, expected_value_pct: 0.5, cost_estimate_pct: 0.3, reason: 'test', market_time: NOW - 60_000, price: 100, stop: 95, target: 110 };

function account(patch: Partial<Omit<GateAccount, 'hasPosition' | 'hasPendingOrder' | 'isStale' | 'costOfBuy'>> & { position?: boolean; pending?: boolean; stale?: boolean } = {}): GateAccount {
  return {
    equity: 10_000,
    available: 10_000,
    openPositions: 0,
    riskAtStops: 0,
    ...patch,
    hasPosition: () => patch.position ?? false,
    hasPendingOrder: () => patch.pending ?? false,
    isStale: () => patch.stale ?? false,
    costOfBuy: (_symbol, quantity, price) => quantity * price * 1.002,
  };
}

const trade = (symbol: string, closedAt: number, net: number): TradeRecord => ({
  id: `trd-${closedAt}`, symbol, side: 'long', strategy: 'test', opened_at: new Date(closedAt - H).toISOString(), closed_at: new Date(closedAt).toISOString(),
  entry: 100, exit: 100 + net, quantity: 1, gross_pnl: net, fees: 0, slippage: 0, net_pnl: net, return_pct: net, exit_reason: net < 0 ? 'stop' : 'target', hold_s: 3600,
});

interface Case {
  signal?: Partial<Signal>;
  flags?: Partial<GateFlags>;
  risk?: Partial<RiskSettings>;
  rules?: Partial<EntryRules>;
  account?: Parameters<typeof account>[0];
  book?: (book: TurnoverBook) => void;
  noMarket?: boolean;
}

function judge(c: Case = {}) {
  const book = new TurnoverBook();
  c.book?.(book);
  const input: GateInput = {
    signal: { ...signal, ...c.signal },
    flags: { ...noFlags, ...c.flags },
    risk: { ...risk, ...c.risk },
    rules: { ...entryRulesFor(DEFAULT_GATE_SETTINGS, S), ...c.rules },
    turnover: book.state(S),
    account: account(c.account),
    market: c.noMarket ? undefined : TEST,
    now: NOW,
  };
  return judgeEntry(input);
}

describe('judgeEntry', () => {
  it('when every check passes then the entry is allowed with the risk-based size', () => {
    expect(judge()).toEqual({ allowed: true, reasons: [], quantity: 10 });
  });

  const CASES: Array<[Reason, Case]> = [
    [Reason.KILL_SWITCH, { flags: { killSwitch: true } }],
    [Reason.EMERGENCY_STOP, { flags: { emergencyStop: true } }],
    [Reason.PAUSED, { flags: { paused: true } }],
    [Reason.HALTED, { flags: { halted: true } }],
    [Reason.CAPITAL_PRESERVATION, { flags: { capitalPreservationBlocked: true } }],
    [Reason.PERSISTENCE_FAILURE, { flags: { persistenceFailure: true } }],
    [Reason.FEED_STALE, { flags: { feedStale: true } }],
    [Reason.FEED_STALE, { account: { stale: true } }],
    [Reason.WARMING_UP, { flags: { warmingUp: true } }],
    [Reason.DAILY_LOSS_LIMIT, { flags: { dailyLossLimitHit: true } }],
    [Reason.RISK_MULTIPLIER_ZERO, { risk: { risk_multiplier: 0 } }],
    [Reason.MIN_CONFIDENCE, { signal: { confidence: 0.59 } }],
    [Reason.MIN_CONFIDENCE, { signal: { confidence: NaN } }],
    [Reason.EV_BELOW_COST, { signal: { expected_value_pct: 0.29 } }],
    [Reason.EV_BELOW_COST, { rules: { min_ev_cost_ratio: 2 }, signal: { expected_value_pct: 0.59 } }],
    [Reason.TURNOVER_MIN_INTERVAL, { book: (b) => b.recordEntry(S, NOW - H + 1) }],
    [Reason.TURNOVER_MAX_DAILY, { rules: { max_entries_per_day: 2, min_interval_s: 0 }, book: (b) => [9, 10].forEach((h) => b.recordEntry(S, Date.parse('2026-03-10T00:00:00Z') + h * H)) }],
    [Reason.LOSS_STREAK_COOLDOWN, { book: (b) => [trade(S, NOW - 3 * H, -1), trade(S, NOW - 2 * H + 1, -1)].forEach((t) => b.recordExit(t)) }],
    [Reason.POSITION_EXISTS, { account: { position: true } }],
    [Reason.POSITION_EXISTS, { account: { pending: true } }],
    [Reason.MAX_OPEN_POSITIONS, { account: { openPositions: 3 } }],
    [Reason.MAX_OPEN_POSITIONS, { risk: { max_open_positions: 0 } }],
    [Reason.UNKNOWN_MARKET, { noMarket: true }],
    [Reason.INVALID_STOP, { signal: { stop: 101 } }],
    [Reason.INVALID_STOP, { signal: { stop: undefined } }],
    [Reason.PORTFOLIO_HEAT, { account: { riskAtStops: 560 } }],
    [Reason.INSUFFICIENT_BALANCE, { account: { available: 5 } }],
    [Reason.BELOW_MIN_AMOUNT, { risk: { risk_per_trade_pct: 0.0004 } }],
    [Reason.BELOW_MIN_COST, { risk: { risk_per_trade_pct: 0.001 } }],
  ];

  it('when the table is read then every entry-blocking reason code has a case (the broker tests cover the rest)', () => {
    const brokerOnly = new Set<string>([Reason.NO_POSITION, Reason.INSUFFICIENT_LIQUIDITY, Reason.ABOVE_MAX_AMOUNT]);
    const covered = new Set(CASES.map(([reason]) => reason));
    expect(Object.values(Reason).filter((r) => !brokerOnly.has(r) && !covered.has(r))).toEqual([]);
  });

  it.each(CASES)('when only the %s check fails then the entry is refused with that code first and no size', (reason, c) => {
    const verdict = judge(c);
    expect(verdict.allowed).toBe(false);
    expect(verdict.reasons[0]).toBe(reason);
    expect(verdict.quantity).toBe(0);
  });

  it.each<[string, Case]>([
    ['confidence exactly at the minimum', { signal: { confidence: 0.6 } }],
    ['expected value exactly the ratio times the cost', { signal: { expected_value_pct: 0.3 } }],
    ['the last entry exactly the minimum interval ago', { book: (b) => b.recordEntry(S, NOW - H) }],
    ['the daily maximum reached on the previous UTC day', { rules: { max_entries_per_day: 1, min_interval_s: 0 }, book: (b) => b.recordEntry(S, Date.parse('2026-03-09T23:59:00Z')) }],
    ['one loss, below the streak', { book: (b) => b.recordExit(trade(S, NOW - 60_000, -1)) }],
    ['a losing streak whose cooldown has passed', { book: (b) => [trade(S, NOW - 3 * H, -1), trade(S, NOW - 2 * H, -1)].forEach((t) => b.recordExit(t)) }],
    ['a losing streak broken by a win', { book: (b) => [trade(S, NOW - 3 * H, -1), trade(S, NOW - 2.5 * H, -1), trade(S, NOW - 60_000, 2)].forEach((t) => b.recordExit(t)) }],
    ['losses on another symbol', { book: (b) => [trade('BTC/USDT', NOW - H, -1), trade('BTC/USDT', NOW - 60_000, -1)].forEach((t) => b.recordExit(t)) }],
    ['heat exactly at the maximum', { account: { riskAtStops: 550 } }],
  ])('when %s then the entry is allowed', (_, c) => {
    expect(judge(c)).toMatchObject({ allowed: true, reasons: [] });
  });

  it('when several checks fail then every reason is listed in check order', () => {
    const verdict = judge({ flags: { paused: true, killSwitch: true }, signal: { confidence: 0.1 }, account: { position: true, riskAtStops: 1_000 } });
    expect(verdict.reasons).toEqual([Reason.KILL_SWITCH, Reason.PAUSED, Reason.MIN_CONFIDENCE, Reason.POSITION_EXISTS, Reason.PORTFOLIO_HEAT]);
  });

  it('when the heat is over the limit and the cash is short too then both are listed, heat first as the check order says', () => {
    expect(judge({ account: { riskAtStops: 1_000, available: 5 } }).reasons).toEqual([Reason.PORTFOLIO_HEAT, Reason.INSUFFICIENT_BALANCE]);
    expect(judge({ account: { riskAtStops: 550, available: 5 } }).reasons).toEqual([Reason.INSUFFICIENT_BALANCE]);
  });

  it('when the free cash caps an entry on a market priced under a cent then the size fits that cash with the fee, rather than being refused', () => {
    // One unit costs about 0.0000123624 with slippage and fee; the broker's cost rule rounds that to 0.00001236.
    const PEPE = { ...TEST, symbol: 'PEPE/USDT', base: 'PEPE', amountStep: 1, priceTick: 0.00000001, minAmount: 1, maxAmount: 9e10, minCost: 5 };
    const price = 0.00001234;
    const costOfBuy = (_symbol: string, quantity: number, at: number) => buyCost(PEPE, quantity, at, 5);
    const verdict = judgeEntry({
      signal: { ...signal, symbol: PEPE.symbol, price, stop: 0.00001231 },
      flags: noFlags,
      risk,
      rules: entryRulesFor(DEFAULT_GATE_SETTINGS, PEPE.symbol),
      turnover: new TurnoverBook().state(PEPE.symbol),
      account: { ...account({ available: 3_000 }), costOfBuy },
      market: PEPE,
      now: NOW,
    });
    expect(verdict).toMatchObject({ allowed: true, reasons: [] });
    expect(costOfBuy(PEPE.symbol, verdict.quantity, price)).toBeLessThanOrEqual(3_000);
    expect(costOfBuy(PEPE.symbol, verdict.quantity + 10_000_000, price)).toBeGreaterThan(3_000);
  });

  it('when BTC/USDT is judged under the default settings then its stricter rules apply', () => {
    const btc = entryRulesFor(DEFAULT_GATE_SETTINGS, 'BTC/USDT');
    expect(btc).toEqual({ min_confidence: 0.75, min_ev_cost_ratio: 2, min_interval_s: 14_400, max_entries_per_day: 3, loss_streak: 2, loss_cooldown_s: 21_600 });
    const verdict = judge({ rules: btc, signal: { confidence: 0.7, expected_value_pct: 0.5 } });
    expect(verdict.reasons).toEqual([Reason.MIN_CONFIDENCE, Reason.EV_BELOW_COST]);
  });
});

describe('accountBlockers', () => {
  it('when nothing blocks then there is no reason', () => {
    expect(accountBlockers(noFlags, risk)).toEqual([]);
  });

  it('when every flag is set then the reasons come in the documented order', () => {
    const all = Object.fromEntries(Object.keys(noFlags).map((k) => [k, true])) as unknown as GateFlags;
    expect(accountBlockers(all, { ...risk, risk_multiplier: 0, max_open_positions: 0 })).toEqual([
      'kill_switch', 'emergency_stop', 'paused', 'halted', 'capital_preservation', 'persistence_failure', 'feed_stale', 'warming_up', 'daily_loss_limit', 'risk_multiplier_zero', 'max_open_positions',
    ]);
  });
});
