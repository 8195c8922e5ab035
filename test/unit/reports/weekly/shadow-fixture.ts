import type { Candle } from '../../../../src/model/candle.js';
import { createStrategy } from '../../../../src/strategies/registry.js';
import { createRegimeTracker } from '../../../../src/strategies/regime.js';
import { loadReplayCandles } from '../../../support/candles.js';

/**
 * Shadow decision and outcome lines in the SPEC §7 format (as src/shadow writes them), made
 * from the bundled real candles: the real strategies decide, the real regime tracker labels,
 * and outcomes are the real closes 1 h and 4 h later with the broker's costs on a unit stake.
 * Deterministic: the same window gives the same lines.
 */
export interface FixtureOptions {
  readonly from: number;
  readonly to: number;
  readonly champion?: string;
  readonly challengers?: readonly string[];
  /** Also emit an advisor that follows the first challenger's entries with its own confidence. */
  readonly advisor?: boolean;
  readonly symbols?: ReadonlyArray<'BTC' | 'ETH' | 'SOL'>;
}

const HORIZONS = [
  ['1h', 3_600_000],
  ['4h', 14_400_000],
] as const;
const TAKER_FEE = 0.001;
const SLIPPAGE = 5 / 10_000;
const WARMUP_MS = 2 * 86_400_000;

export interface FixtureLines {
  readonly lines: Array<Record<string, unknown>>;
  readonly decisions: Array<Record<string, unknown>>;
  readonly outcomes: Array<Record<string, unknown>>;
}

export function shadowFixture(options: FixtureOptions): FixtureLines {
  const champion = options.champion ?? 'ema_trend';
  const challengers = options.challengers ?? ['rsi_revert', 'donchian_breakout'];
  const symbols = options.symbols ?? ['BTC', 'ETH', 'SOL'];
  const candles: Candle[] = symbols
    .flatMap((base) => loadReplayCandles(base, '1m'))
    .filter((c) => c.ts >= options.from - WARMUP_MS && c.ts < options.to + 4 * 3_600_000)
    .sort((a, b) => a.ts - b.ts || (a.symbol < b.symbol ? -1 : 1));
  const closeAt = new Map(candles.map((c) => [`${c.symbol}@${c.ts}`, c.close]));
  const regimes = createRegimeTracker();
  const seats = [champion, ...challengers].map((id, i) => ({ id, role: i === 0 ? 'champion' : 'challenger', strategy: createStrategy(id), open: new Set<string>() }));
  const decisions: Array<Record<string, unknown>> = [];
  const outcomes: Array<Record<string, unknown>> = [];
  const lines: Array<Record<string, unknown>> = [];

  for (const candle of candles) {
    const regime = regimes.onCandle(candle);
    for (const seat of seats) {
      const signals = seat.strategy.onCandle(candle, { hasPosition: (s) => seat.open.has(s), costEstimatePct: 0.3 });
      if (candle.ts < options.from || candle.ts >= options.to) continue;
      for (const signal of signals) {
        if (signal.direction === 'long') seat.open.add(signal.symbol);
        else seat.open.delete(signal.symbol);
        const make = (role: string, strategy: string, confidence: number) => {
          const id = `${role}:${strategy}:${signal.symbol}:${signal.market_time}:${signal.direction}`;
          const decision = {
            type: 'decision',
            id,
            ts: new Date(signal.market_time + 60_000).toISOString(),
            market_time: new Date(signal.market_time).toISOString(),
            symbol: signal.symbol,
            strategy,
            role,
            action: signal.direction,
            confidence,
            score: signal.score,
            threshold: signal.threshold,
            price: signal.price,
            regime: regime ?? 'sideways',
            expected_value_pct: signal.expected_value_pct,
            cost_estimate_pct: signal.cost_estimate_pct,
            gate: { allowed: true, reasons: [] },
            executed: false,
          };
          decisions.push(decision);
          lines.push(decision);
          for (const [label, ms] of HORIZONS) {
            const later = closeAt.get(`${signal.symbol}@${signal.market_time + ms}`);
            if (later === undefined) continue;
            const move = later / signal.price;
            const pnl = signal.direction === 'long' ? (move * (1 - SLIPPAGE) * (1 - TAKER_FEE)) / ((1 + SLIPPAGE) * (1 + TAKER_FEE)) - 1 : (1 - SLIPPAGE) * (1 - TAKER_FEE) * (1 - move);
            outcomes.push({ type: 'outcome', decision_id: id, horizon: label, price: later, return_pct: Number(((move - 1) * 100).toFixed(6)), pnl_if_taken: Number(pnl.toFixed(10)) });
          }
        };
        make(seat.role, seat.id, signal.confidence);
        if (options.advisor && seat.id === challengers[0] && signal.direction === 'long') make('advisor', 'weighting_advisor', Math.min(1, signal.confidence * 1.1));
      }
    }
  }
  // Outcome lines come after their decisions, in market-time order of the horizon's end, as the shadow runner writes them.
  const byId = new Map(decisions.map((d) => [d.id as string, d]));
  const dueOf = (o: Record<string, unknown>) => Date.parse(String(byId.get(o.decision_id as string)?.market_time)) + (o.horizon === '1h' ? 3_600_000 : 14_400_000);
  const sortedOutcomes = [...outcomes].sort((a, b) => dueOf(a) - dueOf(b));
  const merged: Array<Record<string, unknown>> = [];
  let i = 0;
  for (const line of lines) {
    const at = Date.parse(String(line.market_time));
    while (i < sortedOutcomes.length && dueOf(sortedOutcomes[i]!) <= at) merged.push(sortedOutcomes[i++]!);
    merged.push(line);
  }
  merged.push(...sortedOutcomes.slice(i));
  return { lines: merged, decisions, outcomes };
}
