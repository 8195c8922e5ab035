import type { Advice, Advisor, AdvisorSnapshot, BookView, DecisionView, Recommendation } from './advisor.js';
import { DecisionRole } from './decision-lines.js';
import { clampedStep, MAX_DAILY_WEIGHT_SHIFT, type Weights } from './weight-clamp.js';

export interface StrategyWeightingOptions {
  readonly id?: string;
  /** Completed days of each book's results the weights are judged on. */
  readonly lookbackDays?: number;
  /** Softmax temperature on the mean daily return, in percent: 1 = a strategy 1 %/day better gets e times the weight. */
  readonly temperaturePct?: number;
  /**
   * How far the advisor itself steps toward its target each day. The runner's clamp (0.10)
   * holds whatever this says: set it higher and the excess is clamped and reported CRITICAL.
   */
  readonly maxShiftPerDay?: number;
}

/**
 * Shifts weight toward the strategies whose shadow books did best (reference 002's strategy
 * weighting advisor), and recommends following them.
 *
 * Weights: once per UTC market day, the target is a softmax of each strategy's mean daily
 * return over the last `lookbackDays` completed days (no days yet: 0 %), and the proposal is
 * a step toward it that respects the day's clamp against the day's opening weights.
 *
 * Recommendations: an entry of a strategy weighted at least an equal share, on a symbol the
 * advisor's own book neither holds nor has an order for (the highest weight wins a tie of
 * several entries on one symbol); an exit when the strategy the advisor's position followed
 * exits. Sizing and every check are the gate's, on the advisor's own shadow book.
 */
export class StrategyWeightingAdvisor implements Advisor {
  readonly id: string;
  private readonly lookbackDays: number;
  private readonly temperature: number;
  private readonly maxShift: number;
  private lastProposalDay: string | null = null;

  constructor(options: StrategyWeightingOptions = {}) {
    this.id = options.id ?? 'strategy_weighting';
    this.lookbackDays = options.lookbackDays ?? 7;
    this.temperature = options.temperaturePct ?? 1;
    this.maxShift = options.maxShiftPerDay ?? MAX_DAILY_WEIGHT_SHIFT;
    if (!(this.lookbackDays >= 1) || !(this.temperature > 0) || !(this.maxShift >= 0)) throw new RangeError('strategy weighting needs lookbackDays >= 1, temperaturePct > 0 and maxShiftPerDay >= 0');
  }

  advise(snapshot: AdvisorSnapshot): Advice {
    const weights = this.proposal(snapshot);
    const recommendations = this.recommend(snapshot);
    return weights === null ? { recommendations } : { weights, recommendations };
  }

  /** The target weights the books' results point to. */
  target(snapshot: AdvisorSnapshot): Weights {
    const keys = Object.keys(snapshot.weights);
    const scores = keys.map((key) => meanReturn(snapshot.books.find((b) => b.name === key && b.role !== DecisionRole.ADVISOR), this.lookbackDays) / this.temperature);
    const top = Math.max(...scores);
    const exps = scores.map((s) => Math.exp(s - top));
    const sum = exps.reduce((a, b) => a + b, 0);
    return Object.fromEntries(keys.map((key, i) => [key, (exps[i] ?? 0) / sum]));
  }

  private proposal(snapshot: AdvisorSnapshot): Weights | null {
    if (snapshot.day === this.lastProposalDay || Object.keys(snapshot.weights).length < 2) return null;
    this.lastProposalDay = snapshot.day;
    const step = clampedStep(snapshot.weights, this.target(snapshot), snapshot.day_open_weights, this.maxShift);
    const moves = Object.keys(snapshot.weights).some((k) => step.weights[k] !== snapshot.weights[k]);
    return moves ? step.weights : null;
  }

  private recommend(snapshot: AdvisorSnapshot): Recommendation[] {
    const own = snapshot.books.find((b) => b.name === this.id && b.role === DecisionRole.ADVISOR);
    const held = new Set([...(own?.positions.map((p) => p.symbol) ?? []), ...(own?.pending_symbols ?? [])]);
    const equalShare = 1 / Math.max(1, Object.keys(snapshot.weights).length);
    const weightOf = (d: DecisionView): number => snapshot.weights[d.strategy] ?? 0;
    const out: Recommendation[] = [];
    const bestEntry = new Map<string, DecisionView>();
    for (const d of snapshot.decisions) {
      if (d.role === DecisionRole.ADVISOR) continue;
      if (d.action === 'exit') {
        const position = own?.positions.find((p) => p.symbol === d.symbol);
        if (position && position.strategy === d.strategy) out.push(this.follow(d, weightOf(d), equalShare));
        continue;
      }
      if (held.has(d.symbol) || weightOf(d) < equalShare - 1e-9) continue;
      const best = bestEntry.get(d.symbol);
      if (!best || weightOf(d) > weightOf(best)) bestEntry.set(d.symbol, d);
    }
    for (const d of bestEntry.values()) out.push(this.follow(d, weightOf(d), equalShare));
    return out;
  }

  private follow(d: DecisionView, weight: number, equalShare: number): Recommendation {
    return {
      symbol: d.symbol,
      action: d.action,
      confidence: d.confidence,
      score: weight,
      threshold: equalShare,
      price: d.price,
      expected_value_pct: d.expected_value_pct,
      cost_estimate_pct: d.cost_estimate_pct,
      reason: `follow_${d.strategy}`,
      market_time: d.market_time,
      follows: d.strategy,
      ...(d.stop === null ? {} : { stop: d.stop }),
      target: d.target,
      trailing: d.trailing,
    };
  }
}

function meanReturn(book: BookView | undefined, days: number): number {
  const recent = book?.daily_returns.slice(-days) ?? [];
  return recent.length === 0 ? 0 : recent.reduce((sum, d) => sum + d.return_pct, 0) / recent.length;
}
