import type { ProductionConfig } from '../../config/production-schema.js';
import type { Config } from '../../config/schema.js';
import { timeframeToMs } from '../../model/candle.js';
import { CommandResultError } from '../../model/errors.js';
import { UNKNOWN_EXPECTATIONS, withOverrides, type ExpectedMetrics } from '../../monitoring/drift/expected-metrics.js';
import { addChallenger } from '../../monitoring/production/production-actions.js';
import { formatStrategySpec, parseStrategySpec, type SpecValue } from '../../monitoring/production/strategy-spec.js';
import type { ProductionStore } from '../../ports/production-store.js';
import { createStrategy } from '../../strategies/registry.js';
import { dataSpan } from './data-span.js';
import { evaluateParams, type EvaluationResult, type EvaluationTask } from './evaluate-params.js';
import { ExpectationSource } from './expected-metrics-resolver.js';
import { runExternalOptimiser } from './external-optimiser.js';
import { generateCandidates } from './generate-candidates.js';
import { parameterSpace, strategyDefaults } from './parameter-space.js';
import { walkForwardWindows } from './walk-forward.js';
import { runPool } from './worker-pool.js';

export interface ReevolutionOptions {
  readonly config: Readonly<Config>;
  readonly production: Readonly<ProductionConfig>;
  readonly store: ProductionStore;
  /** The champion's id (with parameters, if any). */
  readonly champion: string;
  readonly dataDir: string;
  /** Wall time (ISO) for the audit trail; market time (ISO) from which new challengers count. */
  readonly at: string;
  readonly startedAt: string;
  /** Working folder of an external optimiser (the home). */
  readonly cwd: string;
  /** Overrides of the production.yaml values. */
  readonly seed?: number;
  readonly workers?: number;
  readonly lookbackDays?: number;
  readonly maxCandidates?: number;
  readonly onProgress?: (phase: 'in-sample' | 'out-of-sample', done: number, total: number) => void;
}

export interface RankedCandidate {
  readonly id: string;
  readonly in_sample: EvaluationResult | null;
  readonly out_of_sample: EvaluationResult | null;
}

export interface ReevolutionResult {
  readonly champion: string;
  readonly method: 'builtin' | 'external';
  readonly seed: number;
  readonly window: { readonly from: string; readonly split: string; readonly to: string };
  readonly candidates: number;
  readonly threads: number;
  readonly champion_result: RankedCandidate;
  /** Validated out of sample, best first (builtin); the command's list in its order (external). */
  readonly ranked: readonly RankedCandidate[];
  readonly registered: ReadonlyArray<{ readonly id: string; readonly expected: ExpectedMetrics }>;
  readonly skipped: ReadonlyArray<{ readonly id: string; readonly reason: string }>;
}

const WORKER = new URL('./backtest-worker.js', import.meta.url);

/**
 * Re-optimises the champion's parameters on the most recent candles: a walk-forward split
 * (in-sample search, out-of-sample validation, in time order), the search over each
 * parameter's range on worker threads, and the best few by out-of-sample Sharpe registered as
 * challengers named `<strategy>@<param>=<value>,…` with their out-of-sample metrics as
 * expectations. A configured external command replaces the search. Open re-evolution requests
 * are resolved with the outcome. Deterministic for a given seed and data.
 */
export async function runReevolution(options: ReevolutionOptions): Promise<ReevolutionResult> {
  const { config, production, store } = options;
  const settings = production.reevolution;
  const seed = options.seed ?? settings.seed;
  const champion = parseStrategySpec(options.champion);
  const defaults = strategyDefaults(champion.base);
  if (defaults === null) throw new CommandResultError(`paperlive trigger-reevolution: re-evolution knows no parameters of strategy ${champion.base}`, 1);
  const configured = config.strategies.params[champion.base] ?? {};
  const effective: Record<string, SpecValue> = { ...defaults, ...configured, ...champion.params };
  const span = dataSpan(options.dataDir, config.feed.exchange, config.feed.symbols, config.feed.timeframe);
  const window = walkForwardWindows(span, timeframeToMs(config.feed.timeframe), options.lookbackDays ?? settings.lookback_days, settings.in_sample_fraction);
  const iso = (ms: number) => new Date(ms).toISOString();
  const task = (params: Readonly<Record<string, SpecValue>>, from: number, to: number): EvaluationTask => ({
    config,
    dataDir: options.dataDir,
    strategy: champion.base,
    params,
    from,
    to,
    annualizationDays: production.monitoring.annualization_days,
  });
  const pool = async (tasks: EvaluationTask[], phase: 'in-sample' | 'out-of-sample') =>
    runPool(tasks, { workers: options.workers ?? settings.workers, workerScript: WORKER, inProcess: evaluateParams, onDone: (done, total) => options.onProgress?.(phase, done, total) });

  let method: ReevolutionResult['method'];
  let candidates: Array<{ id: string; params: Readonly<Record<string, SpecValue>>; expected: ExpectedMetrics | null }>;
  let championResult: RankedCandidate;
  let ranked: RankedCandidate[];
  let threads = 0;
  let tried: number;

  if (settings.command === null) {
    method = 'builtin';
    const space = parameterSpace(champion.base, defaults);
    const current = Object.fromEntries(space.map((r) => [r.key, Number(effective[r.key])]));
    const sets = generateCandidates({
      space,
      current,
      search: settings.search,
      maxCandidates: options.maxCandidates ?? settings.max_candidates,
      gridLevels: settings.grid_levels,
      seed,
      isValid: (p) => builds(champion.base, { ...configured, ...champion.params, ...p }),
    });
    tried = sets.length;
    const specParams = sets.map((p) => ({ ...champion.params, ...p }));
    const inSample = await pool(specParams.map((p) => task(p, window.from, window.split)), 'in-sample');
    threads = inSample.threads;
    const order = specParams
      .map((p, i) => ({ i, sharpe: inSample.results[i]!.metrics.sharpe }))
      .filter((c) => c.i !== 0 && c.sharpe !== null)
      .sort((a, b) => b.sharpe! - a.sharpe! || a.i - b.i)
      .slice(0, settings.validate_top)
      .map((c) => c.i);
    const validate = [0, ...order];
    const outOfSample = await pool(validate.map((i) => task(specParams[i]!, window.split, window.to)), 'out-of-sample');
    const resultOf = (k: number): RankedCandidate => {
      const i = validate[k]!;
      return { id: formatStrategySpec(champion.base, specParams[i]!), in_sample: inSample.results[i]!, out_of_sample: outOfSample.results[k]! };
    };
    championResult = { ...resultOf(0), id: champion.id };
    ranked = validate.slice(1).map((_, k) => resultOf(k + 1));
    ranked.sort((a, b) => (b.out_of_sample?.metrics.sharpe ?? -Infinity) - (a.out_of_sample?.metrics.sharpe ?? -Infinity) || (b.in_sample?.metrics.sharpe ?? -Infinity) - (a.in_sample?.metrics.sharpe ?? -Infinity) || (a.id < b.id ? -1 : 1));
    candidates = ranked.map((r) => ({ id: r.id, params: parseStrategySpec(r.id).params, expected: r.out_of_sample?.metrics ?? null }));
  } else {
    method = 'external';
    const state = store.readState();
    const external = await runExternalOptimiser(
      settings.command,
      {
        champion: champion.id,
        strategy: champion.base,
        params: effective,
        data_dir: options.dataDir,
        data_files: span.files,
        exchange: config.feed.exchange,
        symbols: config.feed.symbols,
        timeframe: config.feed.timeframe,
        window: { from: iso(window.from), split: iso(window.split), to: iso(window.to) },
        seed,
        max_strategies: Math.max(0, Math.min(settings.top_n, production.max_concurrent_challengers - state.challengers.length)),
      },
      { timeoutS: settings.command_timeout_s, cwd: options.cwd, configParams: config.strategies.params },
    );
    tried = external.length;
    // Expectations the command did not give come from the out-of-sample window, as for the built-in search.
    const missing = external.flatMap((c, i) => (c.expected === null ? [i] : []));
    const measured = await pool([...missing.map((i) => task(external[i]!.params, window.split, window.to)), task(champion.params, window.split, window.to)], 'out-of-sample');
    threads = measured.threads;
    championResult = { id: champion.id, in_sample: null, out_of_sample: measured.results.at(-1)! };
    ranked = external.map((c, i) => {
      const k = missing.indexOf(i);
      const given = c.expected === null ? null : { metrics: withOverrides(UNKNOWN_EXPECTATIONS, nullToUndefined(c.expected)), trades: 0, days: 0 };
      return { id: formatStrategySpec(c.strategy, c.params), in_sample: null, out_of_sample: k >= 0 ? measured.results[k]! : given };
    });
    candidates = ranked.map((r) => ({ id: r.id, params: parseStrategySpec(r.id).params, expected: r.out_of_sample?.metrics ?? null }));
  }

  const { registered, skipped } = register(options, candidates, method);
  const summary = `${method} re-evolution of ${champion.id} over ${iso(window.from)}..${iso(window.to)}: ${registered.length ? `registered ${registered.map((r) => r.id).join(', ')}` : 'no new challenger'}`;
  store.resolveReevolutionRequests('done', summary, options.at);
  return { champion: champion.id, method, seed, window: { from: iso(window.from), split: iso(window.split), to: iso(window.to) }, candidates: tried, threads, champion_result: championResult, ranked, registered, skipped };
}

/** The best first, within top_n, free challenger slots and min_oos_sharpe (built-in search only). */
function register(
  options: ReevolutionOptions,
  candidates: ReadonlyArray<{ id: string; expected: ExpectedMetrics | null }>,
  method: ReevolutionResult['method'],
): Pick<ReevolutionResult, 'registered' | 'skipped'> {
  const { production, store } = options;
  const settings = production.reevolution;
  const registered: Array<{ id: string; expected: ExpectedMetrics }> = [];
  const skipped: Array<{ id: string; reason: string }> = [];
  for (const candidate of candidates) {
    const sharpe = candidate.expected?.sharpe ?? null;
    if (registered.length >= settings.top_n) {
      skipped.push({ id: candidate.id, reason: `beyond reevolution.top_n (${settings.top_n})` });
      continue;
    }
    if (method === 'builtin' && sharpe === null) {
      skipped.push({ id: candidate.id, reason: 'no out-of-sample Sharpe (no trades, or returns that do not vary)' });
      continue;
    }
    if (method === 'builtin' && settings.min_oos_sharpe !== null && sharpe! <= settings.min_oos_sharpe) {
      skipped.push({ id: candidate.id, reason: `out-of-sample Sharpe ${sharpe!.toFixed(2)} is not above reevolution.min_oos_sharpe (${settings.min_oos_sharpe})` });
      continue;
    }
    const reason = `re-evolution of ${options.champion}: out-of-sample Sharpe ${sharpe === null ? 'n/a' : sharpe.toFixed(2)}`;
    const added = store.transaction(() => {
      const decision = addChallenger(store, candidate.id, production.max_concurrent_challengers, { at: options.at, startedAt: options.startedAt, reviewer: 'reevolution', reason });
      if (decision.ok && candidate.expected) {
        store.saveExpectedMetrics({ strategy: candidate.id, source: ExpectationSource.REEVOLUTION, fingerprint: 'out-of-sample', metrics: candidate.expected, computed_at: options.at });
      }
      return decision;
    });
    if (added.ok) registered.push({ id: candidate.id, expected: candidate.expected ?? UNKNOWN_EXPECTATIONS });
    else skipped.push({ id: candidate.id, reason: added.reason });
  }
  return { registered, skipped };
}

function builds(strategy: string, params: Readonly<Record<string, SpecValue>>): boolean {
  try {
    createStrategy(strategy, params);
    return true;
  } catch {
    return false;
  }
}

function nullToUndefined(values: Readonly<Record<string, number | null | undefined>>): Record<string, number | undefined> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v ?? undefined]));
}
