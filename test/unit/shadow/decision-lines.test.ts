import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PaperBroker } from '../../../src/broker/paper-broker.js';
import { Engine } from '../../../src/engine/engine.js';
import { loadMarketSnapshot } from '../../../src/feeds/market-snapshot.js';
import { JsonlAppender, readJsonl, repairTornTail } from '../../../src/io/jsonl.js';
import type { DecisionLine, OutcomeLine, ShadowLine } from '../../../src/shadow/decision-lines.js';
import { StrategyWeightingAdvisor } from '../../../src/shadow/strategy-weighting-advisor.js';
import { createStrategy } from '../../../src/strategies/registry.js';
import { loadReplayCandles } from '../../support/candles.js';
import { FIVE_MIN, START, SLIPPAGE_BPS, noQualityFloor, openRunner, risk, tempHome } from './fixtures.js';

const DECISION_KEYS = ['type', 'id', 'ts', 'market_time', 'symbol', 'strategy', 'role', 'action', 'confidence', 'score', 'threshold', 'price', 'regime', 'expected_value_pct', 'cost_estimate_pct', 'gate', 'executed'];
const OUTCOME_KEYS = ['type', 'decision_id', 'horizon', 'price', 'return_pct', 'pnl_if_taken'];
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * The daemon's wiring in small: the engine trades the champion on the paper broker and hands
 * every signal record to the runner, which then sees the batch after the engine.
 */
function runDaemonLike() {
  const markets = loadMarketSnapshot('data/markets/binance_spot_markets.json', ['BTC/USDT', 'ETH/USDT']);
  const home = tempHome();
  const shadow = openRunner(home, markets, {
    champion: { id: 'ema_trend' },
    challengers: [{ id: 'rsi_revert' }, { id: 'donchian_breakout' }],
    advisors: [new StrategyWeightingAdvisor()],
    gate: noQualityFloor,
    regimeOf: (symbol, t) => (symbol === 'BTC/USDT' && Math.floor(t / 86_400_000) % 2 === 0 ? 'bull' : 'sideways'),
  });
  const broker = new PaperBroker({ ledger: shadow.ledger, markets, slippageBps: SLIPPAGE_BPS, startingBalance: START });
  const engine = new Engine({
    champion: createStrategy('ema_trend'),
    broker,
    ledger: shadow.ledger,
    risk: risk(),
    flags: { paused: false, halted: false, emergencyStop: false, killSwitch: false, capitalPreservationBlocked: false, persistenceFailure: false },
    feed: { isHealthy: () => true, isStale: () => false },
    symbols: ['BTC/USDT', 'ETH/USDT'],
    timeframeMs: FIVE_MIN,
    costEstimatePct: 0.3,
    gate: noQualityFloor,
    listener: { onSignal: (record) => shadow.runner.recordChampion(record), onTrade: () => undefined, onPositionChange: () => undefined, onStrategyError: (_s, e) => { throw e; } },
  });
  const btc = loadReplayCandles('BTC', '5m', 2_500);
  const eth = loadReplayCandles('ETH', '5m', 2_500);
  btc.forEach((c, i) => {
    const batch = { ts: c.ts, candles: [c, eth[i]!], warmup: i < 40 };
    engine.processBatch(batch);
    shadow.runner.onBatch(batch);
    shadow.clock.advance(1_000);
  });
  shadow.runner.checkpoint();
  shadow.close();
  const lines = home.lines();
  /** The close of the first candle of `symbol` opening at or after `due` (the recording has a few gaps). */
  const closeAt = (symbol: string, due: number) => (symbol === 'BTC/USDT' ? btc : eth).find((c) => c.ts >= due)?.close;
  const lastTs = btc[btc.length - 1]!.ts;
  return { lastTs, lines, decisions: lines.filter((l): l is DecisionLine => l.type === 'decision'), outcomes: lines.filter((l): l is OutcomeLine => l.type === 'outcome'), closeAt, home };
}

describe('shadow decision lines (SPEC §7)', () => {
  const run = runDaemonLike();

  it.each(['champion', 'challenger', 'advisor'])('when a %s decides then its line has exactly the SPEC keys in order, with their types', (role) => {
    const lines = run.decisions.filter((d) => d.role === role);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(Object.keys(line)).toEqual(DECISION_KEYS);
      expect(line.type).toBe('decision');
      for (const key of ['id', 'ts', 'market_time', 'symbol', 'strategy', 'regime'] as const) expect(typeof line[key]).toBe('string');
      for (const key of ['confidence', 'score', 'threshold', 'price', 'expected_value_pct', 'cost_estimate_pct'] as const) expect(Number.isFinite(line[key])).toBe(true);
      expect(line.ts).toMatch(ISO);
      expect(line.market_time).toMatch(ISO);
      expect(['long', 'exit']).toContain(line.action);
      expect(['bull', 'sideways']).toContain(line.regime);
      expect(Object.keys(line.gate)).toEqual(['allowed', 'reasons']);
      expect(typeof line.gate.allowed).toBe('boolean');
      expect(line.gate.reasons.every((r) => typeof r === 'string')).toBe(true);
      expect(line.gate.allowed).toBe(line.gate.reasons.length === 0);
      expect(typeof line.executed).toBe('boolean');
    }
  });

  it.each(['challenger', 'advisor'])('when a %s decides then its line is never executed, whatever the gate said', (role) => {
    const lines = run.decisions.filter((d) => d.role === role);
    expect(lines.some((l) => l.gate.allowed)).toBe(true);
    expect(lines.every((l) => l.executed === false)).toBe(true);
  });

  it('when the champion’s entries pass the gate then their lines say executed, and the others carry the gate’s reasons', () => {
    const champion = run.decisions.filter((d) => d.role === 'champion');
    expect(champion.every((d) => d.strategy === 'ema_trend')).toBe(true);
    expect(champion.some((d) => d.executed)).toBe(true);
    for (const d of champion) expect(d.executed).toBe(d.gate.allowed);
  });

  it('when decisions are logged then every id is unique and says who decided what on which candle', () => {
    const ids = run.decisions.map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const d of run.decisions) expect(d.id).toBe(`${d.role}:${d.strategy}:${d.symbol}:${Date.parse(d.market_time)}:${d.action}`);
  });

  it('when horizons pass then each outcome line has exactly the SPEC keys and the close of the candle that ends the horizon', () => {
    const byId = new Map(run.decisions.map((d) => [d.id, d]));
    expect(run.outcomes.length).toBeGreaterThan(0);
    const hours = { '1h': 1, '4h': 4, '24h': 24 } as const;
    for (const o of run.outcomes) {
      expect(Object.keys(o)).toEqual(OUTCOME_KEYS);
      expect(Object.keys(hours)).toContain(o.horizon);
      const decision = byId.get(o.decision_id)!;
      expect(decision).toBeDefined();
      const due = Date.parse(decision.market_time) + hours[o.horizon as keyof typeof hours] * 3_600_000;
      expect(o.price).toBe(run.closeAt(decision.symbol, due));
      expect(o.return_pct).toBeCloseTo((o.price / decision.price - 1) * 100, 5);
      expect(Number.isFinite(o.pnl_if_taken)).toBe(true);
    }
    // Every decision old enough has all three outcomes, and none has one twice.
    const keys = run.outcomes.map((o) => `${o.decision_id}/${o.horizon}`);
    expect(new Set(keys).size).toBe(keys.length);
    const old = run.decisions.filter((d) => Date.parse(d.market_time) + 86_400_000 <= run.lastTs);
    expect(old.length).toBeGreaterThan(10);
    for (const d of old) expect(run.outcomes.filter((o) => o.decision_id === d.id).map((o) => o.horizon).sort()).toEqual(['1h', '24h', '4h']);
  });

  it('when a crash tears the last line then the start-up repair cuts it and a new runner appends whole lines after it', () => {
    const { home } = run;
    const before = home.lines().length;
    const torn = '{"type":"decision","id":"champion:ema_trend:BTC/US';
    fs.appendFileSync(home.decisionsFile, torn);
    expect(readJsonl<ShadowLine>(home.decisionsFile).skipped).toHaveLength(1);
    expect(repairTornTail(home.decisionsFile)).toMatchObject({ removedBytes: torn.length });
    const sink = new JsonlAppender(home.decisionsFile);
    sink.append({ type: 'outcome', decision_id: 'x', horizon: '1h', price: 1, return_pct: 0, pnl_if_taken: 0 });
    sink.close();
    const read = readJsonl<ShadowLine>(home.decisionsFile);
    expect(read.skipped).toEqual([]);
    expect(read.records).toHaveLength(before + 1);
  });
});
