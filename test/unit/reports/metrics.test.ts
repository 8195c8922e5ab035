import { describe, expect, it } from 'vitest';
import type { TradeRecord } from '../../../src/model/position.js';
import type { PerformanceMetrics } from '../../../src/reports/metrics.js';
import { computeMetrics, DEFAULT_ANNUALIZATION_DAYS, emptyMetrics } from '../../../src/reports/metrics.js';

const SQRT_365 = Math.sqrt(365);

function trade(
  id: string,
  openedAt: string,
  closedAt: string,
  netPnl: number,
  extra: Partial<TradeRecord> = {},
): TradeRecord {
  return {
    id,
    symbol: 'BTC/USDT',
    side: 'long',
    strategy: 'test',
    opened_at: openedAt,
    closed_at: closedAt,
    entry: 100,
    exit: 100 + netPnl,
    quantity: 1,
    gross_pnl: netPnl,
    fees: 0,
    slippage: 0,
    net_pnl: netPnl,
    return_pct: netPnl,
    exit_reason: 'signal',
    hold_s: (Date.parse(closedAt) - Date.parse(openedAt)) / 1000,
    ...extra,
  };
}

function expectNoNonFinite(m: PerformanceMetrics): void {
  for (const [key, value] of Object.entries(m)) {
    if (value !== null) expect(Number.isFinite(value), key).toBe(true);
  }
}

/*
 * The main fixture: starting balance 1000, four trades over four UTC days, nothing closes on 01-02.
 * Every trade: entry 100 × quantity 1 (notional 100), fees 0.1, slippage 0.05.
 *
 *   id  opened             closed             net     balance after
 *   A   01-01T01:00        01-01T05:00        +100    1100
 *   B   01-01T06:00        01-03T10:00        -220     880
 *   C   01-03T11:00        01-03T12:00        +110     990
 *   D   01-04T01:00        01-04T12:00        -49.5    940.5
 *
 * End-of-day balances 01-01..01-04: 1100, 1100 (carried), 990, 940.5
 * Daily returns: 1100/1000-1 = 0.1, 0, 990/1100-1 = -0.1, 940.5/990-1 = -0.05
 *   mean = -0.05/4 = -0.0125
 *   deviations 0.1125, 0.0125, -0.0875, -0.0375; squares sum 0.021875; population var 0.00546875
 *   sharpe  = -0.0125 / √0.00546875 × √365 = -0.169030 × 19.104973 = -3.229330
 *   negatives -0.1, -0.05: mean -0.075, population std 0.025
 *   sortino = -0.0125 / 0.025 × √365 = -0.5 × √365 = -9.552487
 * Drawdown from peak 1100: 220 at 880 (20 %), 159.5 at 940.5 (14.5 %) → abs 220, pct 20
 * wins A, C (sum 210), losses B, D (sum -269.5): win rate 0.5, avg win 105, avg loss -134.75
 *   profit factor = 210 / 269.5 = 0.779221
 *   expectancy    = 0.5 × 105 − 0.5 × 134.75 = -14.875 (= avg pnl -59.5 / 4)
 *   exp. ratio    = (1 + 105/134.75) × 0.5 − 1 = -0.110390
 * sqn: r = 0.1, -0.22, 0.11, -0.0495; mean -0.014875; sample var 0.0720651875/3 = 0.02402173
 *   sqn = √4 × -0.014875 / 0.1549894 = -0.191949
 * days = floor(01-01T01:00 → 01-04T12:00 = 3 d 11 h) = 3; total return = -59.5/1000 = -0.0595
 *   calmar = (-0.0595 / 3 × 100) / 0.20 × √365 = -9.916667 × 19.104973 = -189.457651
 *   cagr   = 0.9405^(365/3) − 1 = -0.999426
 * cost drag = (4 × 0.1 + 4 × 0.05) / 400 × 10 000 = 15 bps
 */
const costs = { fees: 0.1, slippage: 0.05 };
const A = trade('A', '2024-01-01T01:00:00.000Z', '2024-01-01T05:00:00.000Z', 100, costs);
const B = trade('B', '2024-01-01T06:00:00.000Z', '2024-01-03T10:00:00.000Z', -220, costs);
const C = trade('C', '2024-01-03T11:00:00.000Z', '2024-01-03T12:00:00.000Z', 110, costs);
const D = trade('D', '2024-01-04T01:00:00.000Z', '2024-01-04T12:00:00.000Z', -49.5, costs);
const MAIN = [A, B, C, D] as const;

describe('computeMetrics', () => {
  it('when there are no trades then counts and total_pnl are 0 and everything else is null', () => {
    const m = computeMetrics([], 1000);
    expect(m).toEqual(emptyMetrics());
    expect(m.trades).toBe(0);
    expect(m.wins).toBe(0);
    expect(m.losses).toBe(0);
    expect(m.total_pnl).toBe(0);
    const counted = new Set(['trades', 'wins', 'losses', 'breakevens', 'total_pnl']);
    for (const [key, value] of Object.entries(m)) {
      if (!counted.has(key)) expect(value, key).toBeNull();
    }
  });

  describe('when four trades span four days with an empty day between', () => {
    const m = computeMetrics(MAIN, 1000);

    it.each<[keyof PerformanceMetrics, number]>([
      ['trades', 4],
      ['wins', 2],
      ['losses', 2],
      ['breakevens', 0],
      ['win_rate', 0.5],
      ['total_pnl', -59.5],
      ['avg_pnl', -14.875],
      ['avg_win', 105],
      ['avg_loss', -134.75],
      ['profit_factor', 210 / 269.5],
      ['expectancy', -14.875],
      ['expectancy_ratio', (1 + 105 / 134.75) * 0.5 - 1],
      ['sqn', (2 * -0.014875) / Math.sqrt(0.0720651875 / 3)],
      ['max_drawdown_abs', 220],
      ['max_drawdown_pct', 20],
      ['sharpe', (-0.0125 / Math.sqrt(0.00546875)) * SQRT_365],
      ['sortino', -0.5 * SQRT_365],
      ['calmar', ((-0.0595 / 3) * 100 / 0.2) * SQRT_365],
      ['cagr', 0.9405 ** (365 / 3) - 1],
      ['cost_drag_bps', 15],
    ])('then %s is the hand-computed value %d', (key, expected) => {
      expect(m[key]).toBeCloseTo(expected, 9);
    });

    it('then the hand-computed decimals agree', () => {
      expect(m.sharpe).toBeCloseTo(-3.22933, 5);
      expect(m.sortino).toBeCloseTo(-9.552487, 5);
      expect(m.calmar).toBeCloseTo(-189.457651, 5);
      expect(m.sqn).toBeCloseTo(-0.191949, 5);
      expect(m.expectancy_ratio).toBeCloseTo(-0.11039, 5);
      expect(m.cagr).toBeCloseTo(-0.999426, 6);
    });

    it('then expectancy equals avg_pnl because both use all trades as the denominator', () => {
      expect(m.expectancy).toBeCloseTo(m.avg_pnl ?? Number.NaN, 12);
    });
  });

  it.each([
    ['reversed', [D, C, B, A]],
    ['shuffled', [C, A, D, B]],
    ['last first', [D, A, B, C]],
  ])('when the trades come %s then the result equals the sorted one', (_label, trades) => {
    expect(computeMetrics(trades, 1000)).toEqual(computeMetrics(MAIN, 1000));
  });

  it('when two trades close at the same instant then they are ordered by id', () => {
    // a (-50) before b (+50): 100 → 50 → 100, fall 50 = 50 %.
    // The other order would give 100 → 150 → 100, fall 50 from 150 = 33.3 %.
    const at = '2024-05-01T12:00:00.000Z';
    const a = trade('a', '2024-05-01T10:00:00.000Z', at, -50);
    const b = trade('b', '2024-05-01T11:00:00.000Z', at, 50);
    const m = computeMetrics([b, a], 100);
    expect(m.max_drawdown_abs).toBeCloseTo(50, 12);
    expect(m.max_drawdown_pct).toBeCloseTo(50, 12);
  });

  describe('when every trade wins', () => {
    /*
     * start 1000; +10 on 01-01 (1010), nothing on 01-02, +20.2 on 01-03 (1030.2 = 1010 × 1.02)
     * daily returns 0.01, 0, 0.02: mean 0.01, population var (0 + 1e-4 + 1e-4)/3
     *   sharpe = 0.01 / √(2e-4/3) × √365 = √1.5 × √365 = √547.5 = 23.398718
     * no negative day → sortino null; no loss → profit_factor and expectancy_ratio null
     * no fall → drawdowns 0 → calmar null
     * sqn: r = 0.01, 0.0202; mean 0.0151; sample std 0.0102/√2 → sqn = √2 × 0.0151 × √2 / 0.0102 = 2.960784
     * days = floor(01-01T00:00 → 01-03T20:00) = 2; cagr = 1.0302^(365/2) − 1 = 227.129822
     */
    const m = computeMetrics(
      [
        trade('w1', '2024-01-01T00:00:00.000Z', '2024-01-01T10:00:00.000Z', 10),
        trade('w2', '2024-01-03T08:00:00.000Z', '2024-01-03T20:00:00.000Z', 20.2),
      ],
      1000,
    );

    it.each<[keyof PerformanceMetrics, number | null]>([
      ['wins', 2],
      ['losses', 0],
      ['win_rate', 1],
      ['avg_win', 15.1],
      ['avg_loss', null],
      ['profit_factor', null],
      ['expectancy', 15.1],
      ['expectancy_ratio', null],
      ['sqn', 0.0302 / 0.0102],
      ['max_drawdown_abs', 0],
      ['max_drawdown_pct', 0],
      ['sharpe', Math.sqrt(547.5)],
      ['sortino', null],
      ['calmar', null],
      ['cagr', 1.0302 ** (365 / 2) - 1],
    ])('then %s is %s', (key, expected) => {
      if (expected === null) expect(m[key]).toBeNull();
      else expect(m[key]).toBeCloseTo(expected, 9);
    });
  });

  describe('when every trade loses', () => {
    // start 1000; -10 and -30 on the same day: avg loss -20, no wins.
    const m = computeMetrics(
      [
        trade('l1', '2024-01-01T00:00:00.000Z', '2024-01-01T10:00:00.000Z', -10),
        trade('l2', '2024-01-01T11:00:00.000Z', '2024-01-01T12:00:00.000Z', -30),
      ],
      1000,
    );

    it('then profit_factor is 0, avg_win null and expectancy_ratio is -1', () => {
      expect(m.profit_factor).toBe(0);
      expect(m.avg_win).toBeNull();
      expect(m.avg_loss).toBeCloseTo(-20, 12);
      // 0 × avg win − 1 × 20
      expect(m.expectancy).toBeCloseTo(-20, 12);
      // (1 + 0/20) × 0 − 1
      expect(m.expectancy_ratio).toBe(-1);
      expect(m.win_rate).toBe(0);
    });
  });

  describe('when there is a single trade', () => {
    /*
     * start 1000; one -10 trade opened and closed on 02-10.
     * one daily return (-0.01) → sharpe null; one negative return has zero std → sortino null
     * sqn needs two trades → null
     * drawdown 10 = 1 %; days = max(1, floor(6 h)) = 1; total return -0.01
     *   calmar = (-0.01 / 1 × 100) / 0.01 × √365 = -100 × √365 = -1910.497
     *   cagr = 0.99^365 − 1 = -0.974482
     */
    const m = computeMetrics([trade('s', '2024-02-10T09:00:00.000Z', '2024-02-10T15:00:00.000Z', -10)], 1000);

    it.each<[keyof PerformanceMetrics, number | null]>([
      ['trades', 1],
      ['losses', 1],
      ['sqn', null],
      ['sharpe', null],
      ['sortino', null],
      ['max_drawdown_abs', 10],
      ['max_drawdown_pct', 1],
      ['calmar', -100 * SQRT_365],
      ['cagr', 0.99 ** 365 - 1],
      ['expectancy_ratio', -1],
    ])('then %s is %s', (key, expected) => {
      if (expected === null) expect(m[key]).toBeNull();
      else expect(m[key]).toBeCloseTo(expected, 9);
    });
  });

  describe('when a trade breaks even', () => {
    /*
     * start 1000; +10, 0, -5 on one day.
     * trades 3, wins 1, losses 1, break-evens 1; win rate 1/3, loss rate 1/3
     *   expectancy = 1/3 × 10 − 1/3 × 5 = 5/3 = avg pnl (5 / 3)
     *   exp. ratio = (1 + 10/5) × 1/3 − 1 = 0; profit factor = 10 / 5 = 2
     */
    const m = computeMetrics(
      [
        trade('e1', '2024-01-01T00:00:00.000Z', '2024-01-01T01:00:00.000Z', 10),
        trade('e2', '2024-01-01T02:00:00.000Z', '2024-01-01T03:00:00.000Z', 0),
        trade('e3', '2024-01-01T04:00:00.000Z', '2024-01-01T05:00:00.000Z', -5),
      ],
      1000,
    );

    it.each<[keyof PerformanceMetrics, number]>([
      ['trades', 3],
      ['wins', 1],
      ['losses', 1],
      ['breakevens', 1],
      ['win_rate', 1 / 3],
      ['avg_pnl', 5 / 3],
      ['expectancy', 5 / 3],
      ['expectancy_ratio', 0],
      ['profit_factor', 2],
      ['avg_win', 10],
      ['avg_loss', -5],
    ])('then %s is %d', (key, expected) => {
      expect(m[key]).toBeCloseTo(expected, 12);
    });
  });

  describe('when days pass without a closed trade', () => {
    /*
     * start 1000; +100 on 03-01 (1100), nothing 03-02..03-04, -55 on 03-05 (1045).
     * daily returns 0.1, 0, 0, 0, -0.05: mean 0.01; deviations 0.09, -0.01 ×3, -0.06;
     *   squares 0.0081 + 3 × 0.0001 + 0.0036 = 0.012; population var 0.0024
     *   sharpe = 0.01 / √0.0024 × √365 = 3.899786
     *   (skipping the empty days would give 0.1, -0.05: mean 0.025, std 0.075, sharpe 6.368)
     * drawdown 55 = 5 %; days = floor(03-01T10:00 → 03-05T12:00) = 4; total return 0.045
     *   calmar = (0.045 / 4 × 100) / 0.05 × √365 = 22.5 × √365 = 429.861896
     *   cagr = 1.045^(365/4) − 1 = 54.508757
     */
    const m = computeMetrics(
      [
        trade('g1', '2024-03-01T10:00:00.000Z', '2024-03-01T12:00:00.000Z', 100),
        trade('g2', '2024-03-05T10:00:00.000Z', '2024-03-05T12:00:00.000Z', -55),
      ],
      1000,
    );

    it('then the balance is carried forward and every calendar day has a return', () => {
      expect(m.sharpe).toBeCloseTo((0.01 / Math.sqrt(0.0024)) * SQRT_365, 9);
      expect(m.sharpe).toBeCloseTo(3.899786, 5);
      expect(m.sharpe).not.toBeCloseTo((0.025 / 0.075) * SQRT_365, 2);
    });

    it('then calmar and cagr use the whole days of the period', () => {
      expect(m.calmar).toBeCloseTo(22.5 * SQRT_365, 9);
      expect(m.cagr).toBeCloseTo(1.045 ** (365 / 4) - 1, 9);
    });
  });

  it('when a trade is open across midnight then its open day counts and days are floored', () => {
    /*
     * start 1000; one +30 trade from 01-01T23:00 to 01-03T01:00.
     * calendar days 01-01, 01-02, 01-03 → daily returns 0, 0, 0.03: mean 0.01, population var 0.0002
     *   sharpe = 0.01 / √0.0002 × √365 = √0.5 × √365 = √182.5 = 13.509256
     * days = floor(26 h) = 1 → cagr = 1.03^365 − 1
     */
    const m = computeMetrics([trade('x', '2024-01-01T23:00:00.000Z', '2024-01-03T01:00:00.000Z', 30)], 1000);
    expect(m.sharpe).toBeCloseTo(Math.sqrt(182.5), 9);
    expect(m.cagr).toBeCloseTo(1.03 ** 365 - 1, 6);
    expect(m.calmar).toBeNull();
    expect(m.sortino).toBeNull();
  });

  it('when the earliest open belongs to a later-closing trade then the period starts at that open', () => {
    /*
     * start 1000; Y 01-02T12:00 → 01-02T18:00 +10 closes first; X 01-01T12:00 → 01-03T12:00 +20 closes last.
     * period 01-01T12:00 → 01-03T12:00: days 2; calendar days 01-01..01-03
     * end-of-day balances 1000, 1010, 1030 → returns 0, 0.01, 20/1010 = 0.0198020
     *   mean 0.0099340; population std 0.0080843; sharpe = 0.0099340 / 0.0080843 × √365 = 23.476322
     * cagr = 1.03^(365/2) − 1 = 219.187930
     */
    const m = computeMetrics(
      [
        trade('X', '2024-01-01T12:00:00.000Z', '2024-01-03T12:00:00.000Z', 20),
        trade('Y', '2024-01-02T12:00:00.000Z', '2024-01-02T18:00:00.000Z', 10),
      ],
      1000,
    );
    const returns = [0, 0.01, 20 / 1010];
    const mean = (0.01 + 20 / 1010) / 3;
    const std = Math.sqrt(returns.reduce((acc, r) => acc + (r - mean) ** 2, 0) / 3);
    expect(m.sharpe).toBeCloseTo((mean / std) * SQRT_365, 9);
    expect(m.sharpe).toBeCloseTo(23.476322, 5);
    expect(m.cagr).toBeCloseTo(1.03 ** (365 / 2) - 1, 6);
  });

  it('when the largest fall in money is not the largest in percent then each is maximised on its own', () => {
    /*
     * start 100; -50 (50, fall 50 = 50 %), +950 (1000, new peak), -100 (900, fall 100 = 10 %)
     * → max_drawdown_abs 100 (second fall), max_drawdown_pct 50 (first fall)
     * calmar uses the pct: total return 8; days floor(01-01T00:00 → 01-03T12:00) = 2
     *   calmar = (8 / 2 × 100) / 0.5 × √365 = 800 × √365
     */
    const m = computeMetrics(
      [
        trade('d1', '2024-01-01T00:00:00.000Z', '2024-01-01T12:00:00.000Z', -50),
        trade('d2', '2024-01-02T00:00:00.000Z', '2024-01-02T12:00:00.000Z', 950),
        trade('d3', '2024-01-03T00:00:00.000Z', '2024-01-03T12:00:00.000Z', -100),
      ],
      100,
    );
    expect(m.max_drawdown_abs).toBeCloseTo(100, 12);
    expect(m.max_drawdown_pct).toBeCloseTo(50, 12);
    expect(m.calmar).toBeCloseTo(800 * SQRT_365, 9);
  });

  describe('when the annualisation is configured', () => {
    const base = computeMetrics(MAIN, 1000);

    it('then leaving it out means 365', () => {
      expect(DEFAULT_ANNUALIZATION_DAYS).toBe(365);
      expect(computeMetrics(MAIN, 1000, { annualizationDays: 365 })).toEqual(base);
    });

    it.each([[252], [1], [730], [360]])(
      'then %d scales sharpe, sortino and calmar by √(days / 365) and nothing else',
      (annualizationDays) => {
        const m = computeMetrics(MAIN, 1000, { annualizationDays });
        const ratio = Math.sqrt(annualizationDays / 365);
        expect(m.sharpe).toBeCloseTo((base.sharpe ?? Number.NaN) * ratio, 9);
        expect(m.sortino).toBeCloseTo((base.sortino ?? Number.NaN) * ratio, 9);
        expect(m.calmar).toBeCloseTo((base.calmar ?? Number.NaN) * ratio, 9);
        expect({ ...m, sharpe: 0, sortino: 0, calmar: 0 }).toEqual({ ...base, sharpe: 0, sortino: 0, calmar: 0 });
      },
    );
  });

  it('when only one day is negative then sortino is null because the downside std is 0', () => {
    // daily returns 0.1, 0, 0, 0, -0.05 (the carry-forward case): one negative value, std 0.
    const m = computeMetrics(
      [
        trade('g1', '2024-03-01T10:00:00.000Z', '2024-03-01T12:00:00.000Z', 100),
        trade('g2', '2024-03-05T10:00:00.000Z', '2024-03-05T12:00:00.000Z', -55),
      ],
      1000,
    );
    expect(m.sortino).toBeNull();
  });

  it('when every daily return is the same then sharpe is null (zero std)', () => {
    // start 1000; +10 on 01-01 and +10.1 on 01-02: returns 0.01 and 10.1/1010 = 0.01.
    const m = computeMetrics(
      [
        trade('c1', '2024-01-01T00:00:00.000Z', '2024-01-01T12:00:00.000Z', 10),
        trade('c2', '2024-01-02T00:00:00.000Z', '2024-01-02T12:00:00.000Z', 10.1),
      ],
      1000,
    );
    expect(m.sharpe).toBeNull();
  });

  it('when trades have equal returns then sqn is null (zero std)', () => {
    const m = computeMetrics(
      [
        trade('q1', '2024-01-01T00:00:00.000Z', '2024-01-01T12:00:00.000Z', 7),
        trade('q2', '2024-01-02T00:00:00.000Z', '2024-01-02T12:00:00.000Z', 7),
      ],
      1000,
    );
    expect(m.sqn).toBeNull();
  });

  it('when the balance falls below zero then the ratios it breaks are null, not NaN', () => {
    /*
     * start 100; -150 on 01-01 (-50), +10 on 01-02 (-40).
     * 01-02's return would be against -50 → sharpe, sortino null; final -40 → cagr null.
     * drawdown 150 = 150 %; days floor(01-01T01:00 → 01-02T02:00) = 1; total return -1.4
     *   calmar = (-1.4 × 100) / 1.5 × √365
     */
    const m = computeMetrics(
      [
        trade('n1', '2024-01-01T01:00:00.000Z', '2024-01-01T02:00:00.000Z', -150),
        trade('n2', '2024-01-02T01:00:00.000Z', '2024-01-02T02:00:00.000Z', 10),
      ],
      100,
    );
    expect(m.sharpe).toBeNull();
    expect(m.sortino).toBeNull();
    expect(m.cagr).toBeNull();
    expect(m.max_drawdown_abs).toBeCloseTo(150, 12);
    expect(m.max_drawdown_pct).toBeCloseTo(150, 12);
    expect(m.calmar).toBeCloseTo((-140 / 1.5) * SQRT_365, 9);
    expectNoNonFinite(m);
  });

  it('when entry notional is zero then cost_drag_bps is null', () => {
    const m = computeMetrics(
      [trade('z', '2024-01-01T00:00:00.000Z', '2024-01-01T12:00:00.000Z', 1, { entry: 0, fees: 0.1 })],
      1000,
    );
    expect(m.cost_drag_bps).toBeNull();
  });

  it.each([
    ['the main fixture', MAIN, 1000],
    ['one trade', [A], 1000],
    ['a balance wiped out', [trade('w', '2024-01-01T00:00:00.000Z', '2024-01-01T01:00:00.000Z', -1000)], 1000],
    ['no trades', [], 1000],
  ] as const)('when given %s then no value is NaN or infinite and JSON keeps every key', (_label, trades, start) => {
    const m = computeMetrics(trades, start);
    expectNoNonFinite(m);
    expect(JSON.parse(JSON.stringify(m))).toEqual(m);
  });

  it.each<[string, () => unknown]>([
    ['the starting balance is 0', () => computeMetrics(MAIN, 0)],
    ['the starting balance is negative', () => computeMetrics(MAIN, -1)],
    ['the starting balance is NaN', () => computeMetrics(MAIN, Number.NaN)],
    ['the starting balance is infinite', () => computeMetrics(MAIN, Number.POSITIVE_INFINITY)],
    ['annualizationDays is 0', () => computeMetrics(MAIN, 1000, { annualizationDays: 0 })],
    ['annualizationDays is NaN', () => computeMetrics(MAIN, 1000, { annualizationDays: Number.NaN })],
    ['a timestamp does not parse', () => computeMetrics([trade('t', 'nope', '2024-01-01T00:00:00.000Z', 1)], 1000)],
    ['net_pnl is NaN', () => computeMetrics([{ ...A, net_pnl: Number.NaN }], 1000)],
  ])('when %s then it throws a RangeError', (_label, call) => {
    expect(call).toThrow(RangeError);
  });
});
