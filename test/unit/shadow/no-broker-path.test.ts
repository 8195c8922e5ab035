import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PaperBroker } from '../../../src/broker/paper-broker.js';
import { Engine } from '../../../src/engine/engine.js';
import { loadMarketSnapshot } from '../../../src/feeds/market-snapshot.js';
import type { DecisionLine } from '../../../src/shadow/decision-lines.js';
import { StrategyWeightingAdvisor } from '../../../src/shadow/strategy-weighting-advisor.js';
import { createStrategy } from '../../../src/strategies/registry.js';
import { loadReplayCandles } from '../../support/candles.js';
import { FIVE_MIN, START, SLIPPAGE_BPS, noQualityFloor, openRunner, risk, tempHome } from './fixtures.js';

const SRC = path.resolve('src');
const SHADOW = path.join(SRC, 'shadow');
const SPECIFIERS = /(?:import|export)\s[^'";]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g;

/** Relative imports of a source file, resolved to .ts files. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(SPECIFIERS)]
    .map((m) => m[1] ?? m[2] ?? m[3] ?? '')
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => path.resolve(path.dirname(file), spec).replace(/\.js$/, '.ts'));
}

/** Every source file reachable from `roots` through relative imports. */
function reachable(roots: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const queue = [...roots];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    queue.push(...importsOf(file));
  }
  return seen;
}

describe('challengers and advisors have no path to the broker (SPEC §7)', () => {
  const shadowFiles = fs.readdirSync(SHADOW, { recursive: true }).map(String).filter((f) => f.endsWith('.ts')).map((f) => path.join(SHADOW, f));

  it('when every import reachable from src/shadow is followed then none is the broker, the engine or the composition root', () => {
    expect(shadowFiles.length).toBeGreaterThan(5);
    const reached = [...reachable(shadowFiles)].map((f) => path.relative(SRC, f).split(path.sep).join('/'));
    expect(reached.filter((f) => /^(broker|engine|app|cli)\//.test(f))).toEqual([]);
    expect(reached.some((f) => f.startsWith('risk/'))).toBe(true); // the scan does follow imports
  });

  it('when a src/shadow file imports then it is only from model, ports, strategies, risk, io, shadow itself or Node', () => {
    for (const file of shadowFiles) {
      const specifiers = [...fs.readFileSync(file, 'utf8').matchAll(SPECIFIERS)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
      for (const spec of specifiers) {
        if (!spec.startsWith('.')) {
          expect(spec, path.basename(file)).toMatch(/^node:/);
          continue;
        }
        const target = path.relative(SRC, path.resolve(path.dirname(file), spec)).split(path.sep).join('/');
        expect(target, `${path.basename(file)} imports ${spec}`).toMatch(/^(model|ports|strategies|risk|io|shadow)\//);
      }
    }
  });

  it('when challengers and an advisor trade in shadow beside a paused champion then the broker’s ledger gets no order at all', () => {
    const markets = loadMarketSnapshot('data/markets/binance_spot_markets.json', ['BTC/USDT']);
    const home = tempHome();
    const shadow = openRunner(home, markets, {
      champion: { id: 'ema_trend' },
      challengers: [{ id: 'rsi_revert' }, { id: 'donchian_breakout' }],
      advisors: [new StrategyWeightingAdvisor()],
      gate: noQualityFloor,
    });
    // The paper account on the very same SQLite file, as in the daemon.
    const broker = new PaperBroker({ ledger: shadow.ledger, markets, slippageBps: SLIPPAGE_BPS, startingBalance: START });
    const flags = { paused: true, halted: false, emergencyStop: false, killSwitch: false, capitalPreservationBlocked: false, persistenceFailure: false };
    const engine = new Engine({
      champion: createStrategy('ema_trend'),
      broker,
      ledger: shadow.ledger,
      risk: risk(),
      flags,
      feed: { isHealthy: () => true, isStale: () => false },
      symbols: ['BTC/USDT'],
      timeframeMs: FIVE_MIN,
      costEstimatePct: 0.3,
      gate: noQualityFloor,
      listener: { onSignal: (r) => shadow.runner.recordChampion(r), onTrade: () => undefined, onPositionChange: () => undefined, onStrategyError: (_s, e) => { throw e; } },
    });
    loadReplayCandles('BTC', '5m', 3_000).forEach((c, i) => {
      const batch = { ts: c.ts, candles: [c], warmup: i < 50 };
      engine.processBatch(batch);
      shadow.runner.onBatch(batch);
    });
    shadow.runner.checkpoint();

    const db = shadow.ledger.database;
    for (const table of ['orders', 'fills', 'positions', 'trades']) expect(db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get(), table).toEqual({ n: 0 });
    expect(broker.cash).toBe(START);
    expect(broker.pendingOrders()).toEqual([]);

    const books = shadow.runner.books();
    for (const name of ['ema_trend', 'rsi_revert', 'donchian_breakout', 'strategy_weighting']) expect(books.find((b) => b.name === name)!.trades, name).toBeGreaterThan(0);
    const lines = home.lines().filter((l): l is DecisionLine => l.type === 'decision');
    expect(lines.filter((l) => l.role === 'champion').every((l) => !l.executed && l.gate.reasons.includes('paused'))).toBe(true);
    expect(lines.filter((l) => l.role !== 'champion' && l.gate.allowed).length).toBeGreaterThan(10);
    expect(lines.every((l) => !l.executed)).toBe(true);
    shadow.close();
  });
});
