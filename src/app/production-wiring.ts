import type { Config } from '../config/schema.js';
import { loadProductionConfig } from '../config/load-production-config.js';
import type { Engine } from '../engine/engine.js';
import type { Candle } from '../model/candle.js';
import type { CandleBatch } from '../ports/market-feed.js';
import { dailyReturnPct } from '../monitoring/drift/daily-returns.js';
import { runDailyCheck } from '../monitoring/production/daily-check.js';
import { seedProduction } from '../monitoring/production/seed-production.js';
import { parseStrategySpec } from '../monitoring/production/strategy-spec.js';
import { ReturnSource } from '../monitoring/production/production-types.js';
import { SqliteProductionStore, productionVersionPoll, readProductionState } from '../persistence/sqlite-production-store.js';
import { SqliteLedger } from '../persistence/sqlite-ledger.js';
import type { ProductionState } from '../ports/production-store.js';
import type { Logger } from '../ports/logger.js';
import type { Strategy } from '../strategies/strategy.js';
import { createStrategy } from '../strategies/registry.js';
import { utcDay } from '../engine/market-day.js';
import { EXPECTATIONS_DATA_DIR } from './reevolution/production-home.js';
import { resolveExpectedMetrics } from './reevolution/expected-metrics-resolver.js';
import type { HomePaths } from './paths.js';

/** Builds a strategy from a production id such as `ema_trend` or `ema_trend@fast=9,slow=30`. */
export function strategyFromId(id: string, config: Readonly<Config>): Strategy {
  const spec = parseStrategySpec(id);
  return createStrategy(spec.base, { ...(config.strategies.params[spec.base] ?? {}), ...spec.params });
}

/**
 * Champion/challenger state for the running daemon: seeded from paper_live.yaml once, then the
 * ledger decides. A promotion made by `paperlive production` reaches the engine before the next
 * candle (a cheap version poll per batch); the new champion is warmed on the recent candles the
 * daemon kept. At each UTC market-day roll the day's returns are logged and drift is checked,
 * which may request re-evolution or, on an emergency drawdown, promote the best challenger.
 */
export class ProductionSide {
  private readonly store: SqliteProductionStore;
  private readonly poll: () => number;
  private state: ProductionState;
  private readonly recent = new Map<string, Candle[]>();
  private day: { day: string; equity: number } | null = null;
  /** The production id of the strategy the engine trades now. */
  private installed: string;

  constructor(
    private readonly args: {
      config: Readonly<Config>;
      paths: HomePaths;
      ledger: SqliteLedger;
      log: Logger;
      now: () => number;
      keepCandles: number;
      dailyShadowReturns: (day: string) => Record<string, number | null>;
      onAlert: (message: string, critical: boolean) => void;
      /** Where the check runs (the daemon: a worker thread, since expectations may need a backtest). */
      runCheck?: (job: DailyCheckJob) => Promise<DailyCheckOutcome>;
    },
  ) {
    const { config, ledger, now } = args;
    this.store = new SqliteProductionStore(ledger.database);
    const production = loadProductionConfig(args.paths.productionConfig);
    const at = new Date(now()).toISOString();
    seedProduction(this.store, { champion: config.strategies.champion, challengers: config.strategies.challengers }, production.max_concurrent_challengers, at, at);
    this.poll = productionVersionPoll(ledger.database);
    this.state = readProductionState(ledger.database);
    this.installed = this.champion;
  }

  get champion(): string {
    return this.state.champion ?? this.args.config.strategies.champion;
  }

  get challengers(): string[] {
    return this.state.challengers.map((c) => c.id);
  }

  /** Every batch: remember recent candles, and swap the champion if production says so. */
  onBatch(candles: readonly Candle[], engine: Engine): void {
    for (const candle of candles) {
      let ring = this.recent.get(candle.symbol);
      if (!ring) this.recent.set(candle.symbol, (ring = []));
      ring.push(candle);
      if (ring.length > this.args.keepCandles) ring.shift();
    }
    if (this.poll() === this.state.version) return;
    this.state = readProductionState(this.args.ledger.database);
    if (this.state.champion && this.state.champion !== this.installed) this.installChampion(this.state.champion, engine);
  }

  /** The candles kept, as warm-up batches in time order (to warm strategies that start now). */
  recentBatches(): CandleBatch[] {
    const byTs = new Map<number, Candle[]>();
    for (const ring of this.recent.values()) for (const candle of ring) byTs.set(candle.ts, [...(byTs.get(candle.ts) ?? []), candle]);
    return [...byTs.entries()].sort(([a], [b]) => a - b).map(([ts, candles]) => ({ ts, candles, warmup: true }));
  }

  /** Builds the champion named by production (start-up and promotions), warmed on recent candles. */
  installChampion(id: string, engine: Engine): void {
    let strategy: Strategy;
    try {
      strategy = strategyFromId(id, this.args.config);
    } catch (error) {
      this.args.onAlert(`production names champion ${id}, which cannot be built (${(error as Error).message}); ${engine.champion.id} keeps trading`, true);
      return;
    }
    const warm = this.recentBatches().flatMap((b) => b.candles);
    const context = { hasPosition: () => true, costEstimatePct: 0 };
    for (const candle of warm) strategy.onCandle(candle, context);
    const closed = this.args.config.strategies.on_promotion === 'close' ? engine.flatten('handover') : [];
    engine.setChampion(strategy);
    this.installed = id;
    this.args.log.warn(
      { champion: id, warmed_on: warm.length, closed: closed.length },
      closed.length > 0 ? `champion is now ${id}; the old champion's ${closed.length} position(s) were closed at market` : `champion is now ${id}; open positions are handed over to it`,
    );
  }

  /** At each market-day roll (from the batch's market time): the daily production check. */
  onMarketTime(marketTime: number, equity: number): void {
    const day = utcDay(marketTime);
    if (this.day === null) {
      this.day = { day, equity };
      return;
    }
    if (day === this.day.day) return;
    const closed = this.day;
    this.day = { day, equity };
    // Checks queue up in order behind each other (the worker runs one job at a time).
    void this.dailyCheck(closed.day, dailyReturnPct(closed.equity, equity), new Date(marketTime).toISOString());
  }

  private async dailyCheck(day: string, championReturn: number, marketTime: string): Promise<void> {
    const shadow = this.args.dailyShadowReturns(day);
    const returns = [
      { date: day, strategy: this.champion, return_pct: championReturn, source: ReturnSource.PAPER },
      ...this.challengers.flatMap((id) => (typeof shadow[id] === 'number' ? [{ date: day, strategy: id, return_pct: shadow[id]!, source: ReturnSource.SHADOW }] : [])),
    ];
    const job: DailyCheckJob = { ledgerFile: this.args.paths.ledger, productionFile: this.args.paths.productionConfig, config: this.args.config, day, returns, marketTime, at: new Date(this.args.now()).toISOString() };
    try {
      const outcome = this.args.runCheck ? await this.args.runCheck(job) : await dailyProductionCheck(job);
      for (const alert of outcome.alerts) this.args.onAlert(alert.message, alert.level === 'critical');
      this.args.log.info({ day, checked: outcome.checked }, 'daily production check');
    } catch (error) {
      this.args.onAlert(`daily production check for ${day} failed: ${(error as Error).message}`, false);
    }
  }
}

export interface DailyCheckJob {
  readonly ledgerFile: string;
  readonly productionFile: string;
  readonly config: Readonly<Config>;
  readonly day: string;
  readonly returns: ReadonlyArray<{ date: string; strategy: string; return_pct: number; source: string }>;
  readonly marketTime: string;
  readonly at: string;
}

export interface DailyCheckOutcome {
  readonly alerts: ReadonlyArray<{ level: string; message: string }>;
  readonly checked: ReadonlyArray<{ strategy: string; drift: unknown }>;
}

/** The daily production check on its own connection to the ledger (it may run in a worker thread). */
export async function dailyProductionCheck(job: DailyCheckJob): Promise<DailyCheckOutcome> {
  const ledger = new SqliteLedger(job.ledgerFile);
  try {
    ledger.database.pragma('busy_timeout = 5000');
    const store = new SqliteProductionStore(ledger.database);
    const production = loadProductionConfig(job.productionFile);
    const result = await runDailyCheck({
      store,
      returns: job.returns as Parameters<typeof runDailyCheck>[0]['returns'],
      settings: production,
      expectedFor: async (id) => (await resolveExpectedMetrics({ id, config: job.config, production, store, write: true, dataDir: EXPECTATIONS_DATA_DIR, at: job.at })).metrics,
      at: job.at,
      marketTime: job.marketTime,
    });
    return {
      alerts: result.alerts.map((a) => ({ level: a.level, message: a.message })),
      checked: result.assessments.map((a) => ({ strategy: a.strategy, drift: JSON.parse(JSON.stringify(a.assessment)) as unknown })),
    };
  } finally {
    ledger.close();
  }
}
