/** The normalised signal every strategy emits (SPEC §7, issue 3). */
export type Direction = 'long' | 'exit';

export interface Signal {
  readonly strategy: string;
  readonly symbol: string;
  readonly direction: Direction;
  /** Strength in [0, 1]; compared against `threshold`. */
  readonly score: number;
  readonly threshold: number;
  readonly confidence: number;
  readonly expected_value_pct: number;
  readonly cost_estimate_pct: number;
  readonly reason: string;
  /** Market time (ms) of the candle that produced it. */
  readonly market_time: number;
  /** Reference price: the close of that candle. */
  readonly price: number;
  /** Protective levels for an entry. */
  readonly stop?: number;
  readonly target?: number | null;
  readonly trailing?: TrailingSpec | null;
}

/** freqtrade-style trailing stop: trail `distance_pct` below the high once profit reaches `offset_pct`. */
export interface TrailingSpec {
  readonly distance_pct: number;
  readonly offset_pct: number;
  readonly only_after_offset: boolean;
}

/**
 * A signal with every field written out in one order, so that all signals share one object
 * shape. Strategies build signals with this rather than `{ ...base, more }`: V8 (Node 20) takes
 * a slow path of several microseconds when a spread literal adds properties, which at one
 * signal per crossing cost more than the indicators themselves. Exits leave the protective
 * levels undefined, so they are absent from the JSON lines.
 */
export function signal(f: Signal): Signal {
  return {
    strategy: f.strategy,
    symbol: f.symbol,
    direction: f.direction,
    score: f.score,
    threshold: f.threshold,
    confidence: f.confidence,
    expected_value_pct: f.expected_value_pct,
    cost_estimate_pct: f.cost_estimate_pct,
    reason: f.reason,
    market_time: f.market_time,
    price: f.price,
    stop: f.stop,
    target: f.target,
    trailing: f.trailing,
  };
}
