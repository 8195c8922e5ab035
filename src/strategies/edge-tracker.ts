import type { Candle } from '../model/candle.js';
import { exitInsideCandle, raisedTrailingStop } from '../model/fill-rules.js';
import type { TrailingSpec } from '../model/signal.js';

/** An entry plan as distances from the fill, the way the broker re-anchors it. */
export interface ShadowPlan {
  readonly stopDistance: number;
  readonly targetDistance: number | null;
  readonly trailing: TrailingSpec | null;
}

interface ShadowTrade {
  readonly entry: number;
  readonly stop: number;
  readonly target: number | null;
  readonly trailing: TrailingSpec | null;
  highWater: number;
  trailingStop: number | null;
}

/**
 * Measures a strategy's edge on one symbol from its own past signals, so that
 * `expected_value_pct` and `confidence` are measurements rather than assumptions.
 *
 * Every entry the strategy would signal is followed as a shadow trade, whether or not the
 * account took it, under the paper broker's own rules (`model/fill-rules.ts`): market orders
 * fill at the next candle's open, stops and targets are re-anchored to that fill, a stop and
 * a target inside one candle means the stop, a gapped stop fills at the open, a target needs
 * the high to trade through it, and the trailing stop moves on each candle's high after the
 * exit check. Returns are gross (no fees, no slippage, no tick): costs are reported
 * separately as `cost_estimate_pct`.
 *
 * Over the last `window` closed shadow trades:
 * - expected value = sum of returns / (trades + priorTrades): the mean, shrunk toward zero
 *   by `priorTrades` pseudo-trades at 0 %, so a few lucky trades do not claim an edge and
 *   no history claims none;
 * - win probability = (wins + 1) / (trades + 2) (Laplace), 0.5 with no history.
 */
export class EdgeTracker {
  private trade: ShadowTrade | null = null;
  private pendingEntry: ShadowPlan | null = null;
  private pendingExit = false;
  private readonly returns: number[] = [];
  private next = 0;
  private sum = 0;
  private wins = 0;

  constructor(
    readonly window: number,
    readonly priorTrades: number,
  ) {}

  /** True while a shadow trade is open or about to open: a new entry would be ignored. */
  get busy(): boolean {
    return this.trade !== null || this.pendingEntry !== null;
  }

  get trades(): number {
    return this.returns.length;
  }

  get expectedValuePct(): number {
    const weight = this.returns.length + this.priorTrades;
    return weight > 0 ? this.sum / weight : 0;
  }

  get winProbability(): number {
    return (this.wins + 1) / (this.returns.length + 2);
  }

  /** The strategy signalled an entry on the candle just seen. */
  enter(plan: ShadowPlan): void {
    if (!this.busy) this.pendingEntry = plan;
  }

  /** The strategy's exit rule fired on the candle just seen. */
  exit(): void {
    if (this.trade) this.pendingExit = true;
  }

  /** Plays a newly closed candle against the shadow trade; call before deciding on it. */
  advance(candle: Candle): void {
    if (this.pendingExit && this.trade) {
      this.settle(this.trade.entry, candle.open);
      return;
    }
    if (this.pendingEntry) {
      const { stopDistance, targetDistance, trailing } = this.pendingEntry;
      const entry = candle.open;
      this.pendingEntry = null;
      this.trade = { entry, stop: entry - stopDistance, target: targetDistance === null ? null : entry + targetDistance, trailing, highWater: entry, trailingStop: null };
    }
    const t = this.trade;
    if (!t) return;
    const exit = exitInsideCandle(candle, t.stop, t.trailingStop, t.target);
    if (exit) return this.settle(t.entry, exit.price);
    t.highWater = Math.max(t.highWater, candle.high);
    t.trailingStop = raisedTrailingStop(t, t.trailing) ?? t.trailingStop;
  }

  private settle(entry: number, exit: number): void {
    this.trade = null;
    this.pendingExit = false;
    const pct = ((exit - entry) / entry) * 100;
    if (this.returns.length === this.window) {
      const evicted = this.returns[this.next] ?? 0;
      this.sum -= evicted;
      if (evicted > 0) this.wins--;
      this.returns[this.next] = pct;
    } else {
      this.returns.push(pct);
    }
    this.next = (this.next + 1) % this.window;
    this.sum += pct;
    if (pct > 0) this.wins++;
  }
}
