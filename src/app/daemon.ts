import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/schema.js';
import type { SignalRecord } from '../engine/engine.js';
import { InstanceLock, readPidFile } from '../io/instance-lock.js';
import { JsonlAppender, repairTornTail } from '../io/jsonl.js';
import { EmergencyStopError, InstanceLockedError, OperationalError } from '../model/errors.js';
import { deriveTradingState, TradingState } from '../model/trading-state.js';
import type { WallClock } from '../ports/clock.js';
import { SqliteLedger } from '../persistence/sqlite-ledger.js';
import { StatusPublisher } from '../monitoring/status-publisher.js';
import { createLogger, type AppLogger } from './logger.js';
import { loadHomeConfig } from './home-config.js';
import { ensureHomeFolders, homePaths, packageVersion, type HomePaths } from './paths.js';
import { buildHeartbeat, buildStatus, type DaemonView } from './status-snapshot.js';
import { ControlKind, controlKindOf } from '../control/control-files.js';
import { ControlService } from '../control/control-service.js';
import { ControlWatcher } from '../control/control-watcher.js';
import { daemonControlActions } from './control-wiring.js';
import { createMarketFeed } from './feed-factory.js';
import { LedgerGuard } from './ledger-guard.js';
import { SafetySide } from './safety-wiring.js';
import { ProductionSide, strategyFromId } from './production-wiring.js';
import { createReportSchedule, type ReportSchedule } from './report-sources.js';
import { BackgroundWorker } from './background-worker.js';
import { startHttpServer } from './http-server.js';
import { activateKillSwitch, killSwitchActive } from '../readiness/kill-switch.js';
import { liveModeSettings, liveModeStartupCheck } from '../readiness/live-mode.js';
import { buildShadowSide, type ShadowSide } from './shadow-wiring.js';
import type { HeartbeatDocument, StatusDocument } from '../monitoring/status-document.js';
import { readProductionState } from '../persistence/sqlite-production-store.js';
import { buildStartingHeartbeat, buildStartingStatus, readRestored, type StartingView } from './starting-status.js';
import { BookCache, isLiveFeed, LiveMarketLoop } from './live-market.js';
import { timeframeToMs } from '../model/candle.js';
import { attachProcessSignals } from './process-signals.js';
import { TradeFiles } from './trade-files.js';
import { buildTradingKernel } from './trading-kernel.js';

export interface RunOptions {
  readonly home: string;
  readonly configFile?: string;
  readonly feed?: 'ccxt' | 'replay';
  readonly dataDir?: string;
  readonly speed?: number | 'max';
  readonly from?: number;
  readonly to?: number;
  readonly loop: boolean;
  readonly exitAtEnd: boolean;
}

/** `emergency_stopped_unpriced`: EMERGENCY_STOP came before the markets loaded, so positions could not be closed. */
export type RunOutcome = 'stopped' | 'emergency_stopped' | 'emergency_stopped_unpriced';

const systemClock: WallClock = { now: () => Date.now() };

/**
 * The composition root of `paperlive run`: the only place where adapters are built and wired.
 * Start-up and crash recovery are one path: everything is restored from the ledger.
 */
export async function runDaemon(options: RunOptions, env: NodeJS.ProcessEnv = process.env): Promise<RunOutcome> {
  const paths = homePaths(options.home);
  const config = loadHomeConfig(options.home, options.configFile, env);
  ensureHomeFolders(paths);

  const lock = InstanceLock.tryAcquire(paths.lockFile);
  if (!lock) {
    const other = readPidFile(paths.pidFile);
    throw new InstanceLockedError(`another paperlive${other ? ` (pid ${other})` : ''} is running with home ${paths.home}; stop it first or use another --home`);
  }
  const controlDir = path.resolve(paths.home, config.control_dir);
  const emergencyFile = findEmergencyStop(controlDir);
  if (emergencyFile) {
    lock.release();
    throw new EmergencyStopError(
      `${emergencyFile} is present, so trading stays stopped; review the positions and logs, then delete that file to allow a start`,
    );
  }
  try {
    return await new Daemon(options, config, paths, controlDir, systemClock, env).run();
  } finally {
    lock.release();
  }
}

class Daemon {
  private readonly log: AppLogger;
  private readonly startedAt: number;
  private readonly errors: Array<{ time: string; message: string }> = [];
  private stopReason: ((reason: string) => void) | null = null;
  private readonly stopped: Promise<string>;
  private outcome: RunOutcome | null = null;
  private crash: unknown = null;
  private finalState: TradingState | null = null;
  private lastCandleProcessedAt: number | null = null;

  constructor(
    private readonly options: RunOptions,
    private readonly config: Readonly<Config>,
    private readonly paths: HomePaths,
    private readonly controlDir: string,
    private readonly clock: WallClock,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    this.log = createLogger(paths.logFile);
    this.startedAt = clock.now();
    this.stopped = new Promise<string>((resolve) => {
      this.stopReason = resolve;
    });
  }

  async run(): Promise<RunOutcome> {
    fs.writeFileSync(this.paths.pidFile, `${process.pid}\n`);
    const detach = attachProcessSignals(
      (reason) => this.requestStop(reason, 'stopped'),
      (error) => {
        this.crash ??= error;
        this.recordError(`uncaught: ${(error as Error)?.message ?? String(error)}`, error);
        this.requestStop('uncaught error', 'stopped');
      },
    );
    try {
      return await this.trade();
    } catch (error) {
      this.log.fatal({ err: error }, `paperlive stopped: ${(error as Error).message}`);
      throw error;
    } finally {
      detach();
      fs.rmSync(this.paths.pidFile, { force: true });
      this.log.flush();
    }
  }

  private async trade(): Promise<RunOutcome> {
    const { paths, log } = this;
    log.info({ home: paths.home, version: packageVersion(), node: process.version }, 'paperlive starting');
    for (const file of [paths.allTrades, paths.signals, paths.shadowDecisions]) {
      const repaired = repairTornTail(file);
      if (repaired) log.warn({ file, removed_bytes: repaired.removedBytes }, 'truncated a torn final line left by a crash');
    }
    const ledger = openLedger(paths.ledger);
    const tradeFiles = new TradeFiles(paths.allTrades, paths.tradesToday, ledger);
    const signalLog = new JsonlAppender(paths.signals);
    try {
      const reconciled = tradeFiles.reconcile();
      if (reconciled.appended > 0) log.warn({ appended: reconciled.appended }, 'all_trades.jsonl was behind the ledger; appended the missing trades');
      if (reconciled.skippedLines.length > 0) log.warn({ lines: reconciled.skippedLines }, 'all_trades.jsonl has lines that do not parse; skipped them');
      return await this.runWithBooks(ledger, tradeFiles, signalLog);
    } finally {
      tradeFiles.close();
      signalLog.close();
      ledger.close();
    }
  }

  private async runWithBooks(ledger: SqliteLedger, tradeFiles: TradeFiles, signalLog: JsonlAppender): Promise<RunOutcome> {
    const { paths, config, log } = this;
    const feed = await createMarketFeed({
      config,
      home: paths.home,
      choice: { source: this.options.feed, dataDir: this.options.dataDir, speed: this.options.speed, from: this.options.from, to: this.options.to, loop: this.options.loop },
      clock: this.clock,
      logger: log,
      env: this.env,
    });
    log.info({ source: feed.source }, 'loading markets');
    // An exchange that is down at start keeps us here, retrying: SHUTDOWN and EMERGENCY_STOP must
    // still work, and status.json and the heartbeat say the process is alive and not trading yet.
    const starting: StartingView = {
      config,
      clock: this.clock,
      startedAt: this.startedAt,
      version: packageVersion(),
      ledger,
      feedSource: feed.source,
      finalState: () => (this.outcome === null ? null : (this.finalState ?? TradingState.STOPPED)),
      paused: () => this.pauseFilePresent(),
      strategies: () => {
        const state = readProductionState(ledger.database);
        return state.champion === null ? { champion: config.strategies.champion, challengers: [...config.strategies.challengers] } : { champion: state.champion, challengers: state.challengers.map((c) => c.id) };
      },
      errors: this.errors,
      restored: readRestored(ledger, config),
      killSwitch: () => killSwitchActive(paths, this.env),
    };
    const loading = this.statusPublisher(
      () => buildStartingStatus(starting),
      () => buildStartingHeartbeat(starting, 'alive'),
    );
    loading.start();
    const earlyControl = setInterval(() => this.obeyStopFilesBeforeMarkets(), 200);
    const markets = await Promise.race([feed.loadMarkets(), this.stopped.then(() => null)])
      .catch((error: unknown) => {
        // Markets that cannot load (a symbol the snapshot lacks): the process ends here, and its last status says so (it is logged on the way out).
        this.noteError(`the markets could not be loaded: ${(error as Error).message}`);
        const final: StartingView = { ...starting, finalState: () => TradingState.STOPPED };
        loading.close(buildStartingStatus(final), buildStartingHeartbeat(final, 'stopped'));
        throw error;
      })
      .finally(() => clearInterval(earlyControl));
    if (markets === null) {
      feed.stop();
      loading.close(buildStartingStatus(starting), buildStartingHeartbeat(starting, 'stopped'));
      log.info('stopped while loading markets');
      return this.outcome ?? 'stopped';
    }
    loading.close(buildStartingStatus(starting), buildStartingHeartbeat(starting, 'alive'));

    let publisher: StatusPublisher | null = null;
    const changed = () => publisher?.changed();
    const books = isLiveFeed(feed) ? new BookCache(feed, () => this.clock.now(), log) : undefined;
    let shadow: ShadowSide | null = null;
    const background = new BackgroundWorker(log, (message, error) => this.recordError(message, error));
    const production = new ProductionSide({
      runCheck: (job) => background.dailyCheck(job),
      config,
      paths,
      ledger,
      log,
      now: () => this.clock.now(),
      keepCandles: 600,
      dailyShadowReturns: (day) => shadow?.runner.dailyReturns(day) ?? {},
      onAlert: (message, critical) => {
        if (critical) {
          log.fatal({ alert: 'critical' }, message);
          this.recordError(message, null);
        } else log.warn(message);
        changed();
      },
    });
    let safetyRef: SafetySide | null = null;
    const riskFactor = () => (safetyRef as SafetySide | null)?.preservation.riskFactor ?? 1;
    const kernel = buildTradingKernel({
      config,
      env: this.env,
      book: books,
      riskFactor,
      championStrategy: strategyFromId(production.champion, config),
      ledger,
      markets,
      feed: { isHealthy: () => feed.health().healthy, isStale: (symbol) => feed.health().staleSymbols.includes(symbol) },
      listener: {
        onSignal: (record: SignalRecord) => {
          signalLog.append({ ...record, market_time: new Date(record.market_time).toISOString(), logged_at: new Date(this.clock.now()).toISOString() });
          shadow?.runner.recordChampion(record);
          changed();
        },
        onTrade: (trade) => {
          tradeFiles.record(trade);
          log.info({ trade }, `closed ${trade.symbol} ${trade.exit_reason} net ${trade.net_pnl.toFixed(2)}`);
        },
        onPositionChange: changed,
        onStrategyError: (strategy, error) => this.recordError(`strategy ${strategy} failed: ${(error as Error).message}`, error),
        // trades_today.json follows the engine's day, which a live mark may move before the candles do.
        onDayChange: (day) => tradeFiles.rollTo(day),
      },
    });
    const { engine, broker, risk, flags } = kernel;
    log.info(kernel.gateDescription);
    const makeShadow = () =>
      buildShadowSide({
        config,
        paths,
        ledger,
        engine,
        risk,
        riskFactor,
        markets,
        startingBalance: broker.startingBalance,
        feed,
        clock: this.clock,
        log,
        onError: (message, error) => this.recordError(message, error),
        champion: production.champion,
        challengers: production.challengers,
      });
    let shadowSide = makeShadow();
    shadow = shadowSide;
    let shadowLineup = production.challengers.join(',');
    /** Challengers added or removed from the CLI: a new shadow side, warmed on the recent candles. */
    const refreshShadowLineup = () => {
      const lineup = production.challengers.join(',');
      if (lineup === shadowLineup) return;
      shadowLineup = lineup;
      shadowSide.runner.checkpoint();
      shadowSide.close();
      shadowSide = makeShadow();
      shadow = shadowSide;
      for (const batch of production.recentBatches()) shadowSide.onBatch(batch);
      log.warn({ challengers: production.challengers }, 'challengers changed: shadow books follow from this candle');
      changed();
    };
    const safety = new SafetySide({ paths, ledger, engine, broker, flags, env: this.env, now: () => this.clock.now(), log, onError: (m, e) => this.recordError(m, e), changed, preservation: config.risk.capital_preservation });
    safetyRef = safety;
    const restored = broker.openPositions();
    if (engine.marketTime !== null) log.info({ resume_after: new Date(engine.marketTime).toISOString() }, 'resuming after the last market time the ledger recorded');
    if (restored.length > 0) log.info({ positions: restored.map((p) => ({ symbol: p.symbol, quantity: p.quantity, entry: p.entry })) }, 'restored open positions');

    const control = new ControlService({
      actions: daemonControlActions({
        engine,
        flags,
        risk,
        ledger,
        log,
        changed,
        flush: () => publisher?.flush(),
        stop: (reason, outcome) => this.requestStop(reason, outcome),
      }),
      recordEvent: (row) => ledger.insertControlEvent(row),
      logger: log,
      clock: this.clock,
      maxMultiplier: config.risk.max_multiplier,
      changed,
    });
    const view: DaemonView = {
      config,
      clock: this.clock,
      startedAt: this.startedAt,
      version: packageVersion(),
      engine,
      broker,
      risk,
      flags,
      feed,
      errors: this.errors,
      control: () => control.statusView(),
      shadow: () => shadowSide.runner.counters(),
      strategies: () => ({ champion: production.champion, challengers: production.challengers }),
      capitalPreservation: () => safety.preservation.level,
      killSwitch: () => safety.killSwitchActive,
      tradingState: () =>
        this.finalState ?? deriveTradingState({ emergencyStopped: flags.emergencyStop, stopped: false, halted: flags.halted || flags.persistenceFailure || safety.halts, paused: flags.paused }),
      lastCandleProcessedAt: () => this.lastCandleProcessedAt,
    };
    publisher = this.statusPublisher(
      () => buildStatus(view),
      () => buildHeartbeat(view, 'alive'),
    );
    // Control files first: a PAUSE present at start must be in the very first status.json.
    const watcher = new ControlWatcher({ dir: this.controlDir, logger: log, onSignal: (signal) => control.handle(signal) });
    await watcher.start();
    publisher.start();
    this.liveModeCheck(safety);
    const http = config.http.enabled
      ? await startHttpServer({
          host: config.http.host,
          port: config.http.port,
          logger: log,
          readiness: () => safety.readiness(),
          status: () => buildStatus(view),
          live: () => ({ status: 'alive', pid: process.pid, trading_state: view.tradingState() }),
        })
      : null;
    if (http?.error) this.recordError(`HTTP endpoint not started on ${config.http.host}:${config.http.port}: ${http.error.message}; running on without it`, http.error);

    const guard = new LedgerGuard(flags, () => engine.persistMarketTime(), log, (message, error) => this.recordError(message, error), changed, paths.ledger);
    const checkpoint = () =>
      ledger.transaction(() => {
        engine.persistMarketTime();
        shadowSide.runner.checkpoint();
        safety.checkpoint();
      });
    const checkpointTimer = setInterval(() => {
      guard.run(checkpoint);
      safety.poll();
    }, 1_000);
    const live = books && isLiveFeed(feed) ? new LiveMarketLoop(feed, books, engine, broker, timeframeToMs(config.feed.timeframe), (work) => guard.run(work)) : null;
    live?.start();
    let canTrade = engine.blockers().length === 0;
    let feedHealthy = feed.health().healthy;
    /** Feed health and can_trade change with time too (a symbol goes stale when nothing arrives): status.json must show it. */
    const noticeStateChange = () => {
      const nowCanTrade = engine.blockers().length === 0;
      const nowHealthy = feed.health().healthy;
      if (nowCanTrade !== canTrade || nowHealthy !== feedHealthy) changed();
      canTrade = nowCanTrade;
      feedHealthy = nowHealthy;
    };
    const healthTimer = setInterval(noticeStateChange, 100);
    const reports = createReportSchedule({
      home: paths.home,
      startingBalance: broker.startingBalance,
      timeframeMs: timeframeToMs(config.feed.timeframe),
      hourUtc: config.reports.daily_hour_utc,
      weekly: config.reports.weekly,
      now: () => this.clock.now(),
      flush: () => guard.run(checkpoint),
      execute: (task) =>
        background.report(paths.home, task, { startingBalance: broker.startingBalance, now: this.clock.now(), timeframeMs: timeframeToMs(config.feed.timeframe) }),
    });
    const warmupCandles = Math.max(kernel.warmupCandles, shadowSide.runner.warmupCandles) + 5;
    const running = feed.run({ after: engine.marketTime, warmupCandles }, (batch) => {
      production.onBatch(batch.candles, engine); // a promotion made from the CLI applies from this candle on
      if (this.outcome !== null || !guard.run(() => engine.processBatch(batch))) return;
      shadowSide.onBatch(batch);
      if (batch.warmup) return;
      guard.run(refreshShadowLineup); // after this batch, so the new books start from the next candle
      guard.run(() => safety.observe(batch.ts));
      production.onMarketTime(batch.ts, broker.equity());
      this.runReports(reports, batch.ts);
      this.lastCandleProcessedAt = this.clock.now();
      tradeFiles.rollToTime(batch.ts);
      noticeStateChange();
    });
    try {
      let reason = await Promise.race([running.then(() => null), this.stopped]);
      if (reason === null) {
        log.info({ market_time: engine.marketTime === null ? null : new Date(engine.marketTime).toISOString() }, 'the replay data ended; the feed is unhealthy from here on');
        changed();
        reason = this.options.exitAtEnd ? 'end of data (--exit-at-end)' : await this.stopped;
      }
      log.info({ reason }, 'stopping');
    } catch (error) {
      this.crash ??= error;
      this.recordError(`crashed: ${(error as Error).message}`, error);
    } finally {
      clearInterval(checkpointTimer);
      clearInterval(healthTimer);
      live?.stop();
      feed.stop();
      await running.catch((error: unknown) => {
        this.crash ??= error;
      });
      await watcher.close();
      await http?.close();
      await background.close();
    }

    const outcome = this.outcome ?? 'stopped';
    this.finalState = outcome === 'emergency_stopped' ? TradingState.EMERGENCY_STOPPED : TradingState.STOPPED;
    guard.run(checkpoint);
    shadowSide.close();
    publisher.close({ ...buildStatus(view), is_alive: false }, buildHeartbeat(view, 'stopped'));
    const summary = { open_positions: broker.openPositions().length, trading_state: this.finalState, crashed: this.crash !== null };
    log.info(summary, this.crash ? 'paperlive stopped after a crash' : outcome === 'emergency_stopped' ? 'paperlive emergency-stopped' : 'paperlive stopped cleanly');
    if (this.crash) throw this.crash;
    return outcome;
  }

  /** The daily and weekly reports as market time passes their due hour; a failure is logged, trading goes on. */
  private runReports(reports: ReportSchedule, marketTime: number): void {
    try {
      const written = reports.onMarketTime(marketTime);
      if (written.length > 0) this.log.info({ files: written }, 'reports written');
    } catch (error) {
      this.recordError(`could not write a report: ${(error as Error).message}`, error);
    }
  }

  /** LIVE_MODE=true with a verdict other than GO: CRITICAL, kill switch on, paper trading goes on. */
  private liveModeCheck(safety: SafetySide): void {
    const verdict = liveModeStartupCheck(this.env, safety.readiness());
    if (verdict.critical) {
      this.log.fatal({ alert: 'critical' }, verdict.critical);
      if (verdict.activateKillSwitch) activateKillSwitch(this.paths, 'LIVE_MODE=true but live_rollout_readiness is not GO', this.clock.now());
      this.recordError(verdict.critical, null);
      safety.poll();
    } else if (liveModeSettings(this.env).enabled) {
      this.log.warn('LIVE_MODE is on and readiness is GO; this build still trades on paper only');
    }
  }

  /** status.json and the heartbeat on their timers, built by these. */
  private statusPublisher(status: () => StatusDocument, heartbeat: () => HeartbeatDocument): StatusPublisher {
    const { paths, config, log } = this;
    return new StatusPublisher({
      statusFile: paths.statusFile,
      heartbeatFile: paths.heartbeat,
      statusIntervalMs: config.status_interval_s * 1000,
      heartbeatIntervalMs: config.heartbeat_interval_s * 1000,
      buildStatus: status,
      buildHeartbeat: heartbeat,
      onWriteError: (error) => log.error({ err: error }, 'could not write status or heartbeat'),
    });
  }

  /** PAUSE (or PAUSE_TRADING) in the control folder, before the watcher runs. */
  private pauseFilePresent(): boolean {
    try {
      return fs.readdirSync(this.controlDir).some((entry) => controlKindOf(entry) === ControlKind.PAUSE);
    } catch {
      return false;
    }
  }

  /**
   * Before the markets are loaded nothing trades and no position can be priced, so only the two
   * stop files are read: SHUTDOWN stops cleanly (and is deleted), EMERGENCY_STOP stops with exit
   * 4 and stays, as if it had been present at start; restored positions stay in the ledger.
   */
  private obeyStopFilesBeforeMarkets(): void {
    let entries: string[];
    try {
      entries = fs.readdirSync(this.controlDir);
    } catch {
      return;
    }
    const emergency = entries.find((entry) => controlKindOf(entry) === ControlKind.EMERGENCY_STOP);
    if (emergency) {
      this.log.fatal({ file: emergency }, 'EMERGENCY_STOP while the markets were still loading: stopping; open positions stay in the ledger, not closed (nothing can be priced)');
      this.finalState = TradingState.EMERGENCY_STOPPED;
      this.requestStop('EMERGENCY_STOP before the markets loaded', 'emergency_stopped_unpriced');
      return;
    }
    const shutdown = entries.find((entry) => controlKindOf(entry) === ControlKind.SHUTDOWN);
    if (shutdown) {
      try {
        fs.rmSync(path.join(this.controlDir, shutdown), { force: true });
      } catch (error) {
        this.log.warn({ err: error, file: shutdown }, 'could not delete the SHUTDOWN file; stopping anyway');
      }
      this.requestStop('SHUTDOWN before the markets loaded', 'stopped');
    }
  }

  private requestStop(reason: string, outcome: RunOutcome): void {
    if (this.outcome !== null) return;
    this.outcome = outcome;
    this.log.info({ reason }, 'stop requested');
    this.stopReason?.(reason);
  }

  private recordError(message: string, error: unknown): void {
    this.log.error({ err: error }, message);
    this.noteError(message);
  }

  /** status.json `.errors`: the last five. */
  private noteError(message: string): void {
    this.errors.push({ time: new Date(this.clock.now()).toISOString(), message });
    if (this.errors.length > 5) this.errors.splice(0, this.errors.length - 5);
  }
}

function openLedger(file: string): SqliteLedger {
  try {
    return new SqliteLedger(file);
  } catch (error) {
    throw new OperationalError(`the ledger ${file} cannot be opened (${(error as Error).message}); restore it from a backup or move it aside to start a new one`);
  }
}

/** The EMERGENCY_STOP latch file in the control folder, by the same name rules as the watcher. */
function findEmergencyStop(dir: string): string | null {
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch {
    return null;
  }
  const hit = entries.find((entry) => controlKindOf(entry) === ControlKind.EMERGENCY_STOP);
  return hit ? path.join(dir, hit) : null;
}
