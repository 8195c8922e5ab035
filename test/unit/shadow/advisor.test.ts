import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadMarketSnapshot } from '../../../src/feeds/market-snapshot.js';
import type { Advisor, AdvisorSnapshot, BookView, DecisionView } from '../../../src/shadow/advisor.js';
import type { DecisionLine } from '../../../src/shadow/decision-lines.js';
import type { StrategyWeightsDocument } from '../../../src/shadow/strategy-weights.js';
import { StrategyWeightingAdvisor } from '../../../src/shadow/strategy-weighting-advisor.js';
import { loadReplayCandles } from '../../support/candles.js';
import { noQualityFloor, openRunner, tempHome } from './fixtures.js';

const T = Date.parse('2026-03-10T08:00:00Z');

const book = (name: string, returns: number[], overrides: Partial<BookView> = {}): BookView => ({
  name,
  role: 'challenger',
  equity: 10_000,
  cash: 10_000,
  trades: returns.length,
  net_pnl: 0,
  positions: [],
  pending_symbols: [],
  daily_returns: returns.map((r, i) => ({ day: `2026-03-0${i + 1}`, return_pct: r })),
  ...overrides,
});

const decision = (strategy: string, action: 'long' | 'exit', symbol = 'BTC/USDT'): DecisionView => ({
  id: `challenger:${strategy}:${symbol}:${T}:${action}`,
  role: 'challenger',
  strategy,
  symbol,
  action,
  market_time: T,
  price: 25_000,
  confidence: 0.7,
  score: 0.5,
  threshold: 0,
  expected_value_pct: 0.8,
  cost_estimate_pct: 0.3,
  stop: 24_500,
  target: null,
  trailing: null,
  gate: { allowed: true, reasons: [] },
  executed: false,
});

const snapshot = (overrides: Partial<AdvisorSnapshot> = {}): AdvisorSnapshot => ({
  market_time: T,
  day: '2026-03-10',
  decisions: [],
  books: [book('a', [0.5, 0.5]), book('b', [-0.5, -0.5])],
  weights: { a: 0.5, b: 0.5 },
  day_open_weights: { a: 0.5, b: 0.5 },
  max_daily_shift: 0.1,
  ...overrides,
});

describe('StrategyWeightingAdvisor', () => {
  it.each([
    ['a better than b by 1 %/day', [0.5, 0.5], [-0.5, -0.5], Math.exp(1) / (Math.exp(1) + 1)],
    ['both alike', [0.2, -0.1], [0.2, -0.1], 0.5],
    ['no completed days yet', [], [], 0.5],
    ['b better', [-1], [1], 1 / (1 + Math.exp(2))],
  ])('when %s then the target weight of a is the softmax of the mean daily returns', (_, a, b, expected) => {
    const advisor = new StrategyWeightingAdvisor();
    expect(advisor.target(snapshot({ books: [book('a', a), book('b', b)] })).a).toBeCloseTo(expected, 10);
  });

  it('when a new UTC day starts then it proposes one step toward the target that stays inside the day’s clamp, and only once that day', () => {
    const advisor = new StrategyWeightingAdvisor();
    const advice = advisor.advise(snapshot());
    expect(advice.weights?.a).toBeCloseTo(0.6, 10);
    expect(advice.weights?.b).toBeCloseTo(0.4, 10);
    expect(advisor.advise(snapshot({ market_time: T + 60_000 })).weights).toBeUndefined();
    expect(advisor.advise(snapshot({ market_time: T + 86_400_000, day: '2026-03-11', weights: { a: 0.6, b: 0.4 }, day_open_weights: { a: 0.6, b: 0.4 } })).weights?.a).toBeCloseTo(0.7, 10);
  });

  it('when it restarts after a shift earlier in the day then its step uses what is left of the day’s clamp', () => {
    const advice = new StrategyWeightingAdvisor().advise(snapshot({ weights: { a: 0.58, b: 0.42 } }));
    expect(advice.weights?.a).toBeCloseTo(0.6, 10);
  });

  it.each<[string, DecisionView[], Partial<BookView>, Array<[string, string]>]>([
    ['an entry of an overweight strategy', [decision('a', 'long')], {}, [['long', 'a']]],
    ['an entry of an underweight strategy', [decision('b', 'long')], {}, []],
    ['entries of both on one symbol', [decision('b', 'long'), decision('a', 'long')], {}, [['long', 'a']]],
    ['an entry on a symbol its book already holds', [decision('a', 'long')], { pending_symbols: ['BTC/USDT'] }, []],
    ['an exit of the strategy its position follows', [decision('a', 'exit')], { positions: [{ symbol: 'BTC/USDT', strategy: 'a', quantity: 0.1, entry: 25_000, mark: 25_100, opened_at: T }] }, [['exit', 'a']]],
    ['an exit of another strategy', [decision('b', 'exit')], { positions: [{ symbol: 'BTC/USDT', strategy: 'a', quantity: 0.1, entry: 25_000, mark: 25_100, opened_at: T }] }, []],
  ])('when the batch has %s then it recommends %j', (_, decisions, own, expected) => {
    const advisor = new StrategyWeightingAdvisor();
    const books = [book('a', []), book('b', []), book('strategy_weighting', [], { role: 'advisor', ...own })];
    const advice = advisor.advise(snapshot({ decisions, books, weights: { a: 0.6, b: 0.4 } }));
    expect(advice.recommendations?.map((r) => [r.action, r.follows])).toEqual(expected);
    for (const r of advice.recommendations ?? []) expect(r).toMatchObject({ symbol: 'BTC/USDT', score: 0.6, threshold: 0.5, price: 25_000, market_time: T, reason: 'follow_a' });
  });
});

describe('advisors in the shadow runner', () => {
  const markets = loadMarketSnapshot('data/markets/binance_spot_markets.json', ['BTC/USDT']);
  const candles = loadReplayCandles('BTC', '5m', 3_000);
  const feed = (runner: ReturnType<typeof openRunner>['runner']) => candles.forEach((c, i) => runner.onBatch({ ts: c.ts, candles: [c], warmup: i < 50 }));

  it('when an advisor is set to step 30 % a day then the runner applies at most 10 % per strategy per day and reports every attempt as CRITICAL', () => {
    const home = tempHome();
    const { runner, logger, close } = openRunner(home, markets, {
      champion: { id: 'ema_trend' },
      challengers: [{ id: 'rsi_revert' }, { id: 'donchian_breakout' }],
      advisors: [new StrategyWeightingAdvisor({ maxShiftPerDay: 0.3, temperaturePct: 0.01 })],
      gate: noQualityFloor,
    });
    feed(runner);
    close();
    const alerts = logger.lines.filter((l) => l.level === 'fatal' && l.obj.alert === 'critical');
    expect(alerts.length).toBeGreaterThan(0);
    const doc = JSON.parse(fs.readFileSync(home.weightsFile, 'utf8')) as StrategyWeightsDocument;
    const shifts = doc.history.filter((h) => h.event === 'shift');
    expect(shifts.filter((h) => h.severity === 'critical')).toHaveLength(alerts.length);
    for (const h of shifts) expect(Math.abs(h.applied_shift!)).toBeLessThanOrEqual(0.1 + 1e-9);
    // Day by day, no weight ends a day more than 10 % from where it opened.
    const byDay = new Map<string, typeof shifts>();
    for (const h of shifts) byDay.set(h.day!, [...(byDay.get(h.day!) ?? []), h]);
    expect(byDay.size).toBeGreaterThan(3);
    expect(Object.values(doc.weights).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
  });

  it('when the built-in advisor runs with its defaults then it shifts weights without ever tripping the clamp, and its own book trades', () => {
    const home = tempHome();
    const { runner, logger, close } = openRunner(home, markets, {
      champion: { id: 'ema_trend' },
      challengers: [{ id: 'rsi_revert' }, { id: 'donchian_breakout' }],
      advisors: [new StrategyWeightingAdvisor()],
      gate: noQualityFloor,
    });
    feed(runner);
    const advisorBook = runner.books().find((b) => b.role === 'advisor')!;
    close();
    expect(logger.lines.filter((l) => l.level === 'fatal')).toEqual([]);
    const doc = JSON.parse(fs.readFileSync(home.weightsFile, 'utf8')) as StrategyWeightsDocument;
    expect(doc.history.filter((h) => h.event === 'shift').length).toBeGreaterThan(0);
    expect(advisorBook).toMatchObject({ name: 'strategy_weighting' });
    expect(advisorBook.trades).toBeGreaterThan(0);
    const lines = home.lines().filter((l): l is DecisionLine => l.type === 'decision' && l.role === 'advisor');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => l.strategy === 'strategy_weighting' && !l.executed)).toBe(true);
  });

  it('when an advisor tries to change what it was shown then it cannot, and the runner carries on without its advice', () => {
    const tamper: Advisor = {
      id: 'tamperer',
      advise: (s) => {
        (s.weights as Record<string, number>).a = 1;
        return { recommendations: [] };
      },
    };
    const home = tempHome();
    const { runner, logger, close } = openRunner(home, markets, { challengers: [{ id: 'donchian_breakout' }], advisors: [tamper], gate: noQualityFloor });
    feed(runner);
    close();
    expect(runner.weights()).toEqual({ donchian_breakout: 1 });
    const failures = logger.lines.filter((l) => l.level === 'error' && l.msg.startsWith('advisor tamperer failed'));
    expect(failures.length).toBeGreaterThan(0);
    expect((failures[0]!.obj.err as Error).name).toBe('TypeError');
  });

  it('when advisor code is compiled then the snapshot is read-only and advice is data, not orders', () => {
    const check = (s: AdvisorSnapshot): void => {
      // @ts-expect-error the snapshot is read-only
      s.market_time = 0;
      // @ts-expect-error books are read-only
      s.books[0]!.equity = 0;
      // @ts-expect-error decisions cannot be added
      s.decisions.push(decision('a', 'long'));
    };
    expect(typeof check).toBe('function');
    // @ts-expect-error an advisor returns advice, and an order is not advice
    const bad: Advisor = { id: 'x', advise: () => ({ orders: [{ symbol: 'BTC/USDT', side: 'buy' }] }) };
    expect(bad.id).toBe('x');
  });
});
