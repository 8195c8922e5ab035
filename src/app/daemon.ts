import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config/load-config.js';
import type { Config } from '../config/schema.js';
import { configRules } from '../config/rules.js';
import type { SignalRecord } from '../engine/engine.js';
import { utcDay } from '../engine/market-day.js';
import { InstanceLock, readPidFile } from '../io/instance-lock.js';
import { JsonlAppender, repairTornTail } from '../io/jsonl.js';
import { ConfigError, EmergencyStopError, InstanceLockedError, OperationalError, UsageError } from '../model/errors.js';
import { deriveTradingState, TradingState } from '../model/trading-state.js';
import type { WallClock } from '../ports/clock.js';
import { SqliteLedger } from '../persistence/sqlite-ledger.js';
import { isStorageUnavailable } from '../persistence/storage-errors.js';
import { StatusPublisher } from '../monitoring/status-publisher.js';
import { createLogger, type AppLogger } from './logger.js';
import { ensureHomeFolders, homePaths, packageVersion, type HomePaths } from './paths.js';
import { buildHeartbeat, buildStatus, type DaemonView } from './status-snapshot.js';
import { createMarketFeed } from './feed-factory.js';
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

export type RunOutcome = 'stopped' | 'emergency_stopped';

const systemClock: WallClock = { now: () => Date.now() };

/**
 * The composition root of `paperlive run`: the only place where adapters are built and wired.
 * Start-up and crash recovery are one path: everything is restored from the ledger.
 */
export async function runDaemon(options: RunOptions, env: NodeJS.ProcessEnv = process.env): Promise<RunOutcome> {
  const paths = homePaths(options.home);
  const configFile = options.configFile ?? env.PAPERLIVE_CONFIG ?? paths.configFile;
  if (options.configFile && !fs.existsSync(options.configFile)) throw new UsageError(`--config ${options.configFile} does not exist`);
  if (!options.configFile && env.PAPERLIVE_CONFIG && !fs.existsSync(path.resolve(options.home, env.PAPERLIVE_CONFIG))) {
    throw new ConfigError(`PAPERLIVE_CONFIG names ${path.resolve(options.home, env.PAPERLIVE_CONFIG)}, which does not exist`);
  }
  const config = loadConfig(path.resolve(options.home, configFile), configRules);
  ensureHomeFolders(paths);

  const lock = InstanceLock.tryAcquire(paths.lockFile);
  if (!lock) {
    const other = readPidFile(paths.pidFile);
    throw new InstanceLockedError(`another paperlive${other ? ` (pid ${other})` : ''} is running with home ${paths.home}; stop it first or use another --home`);
  }
  const controlDir = path.resolve(paths.home, config.control_dir);
  const emergencyFile = findControlFile(controlDir, 'EMERGENCY_STOP');
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
  private stopRequest: ((reason: string) => void) | null = null;
  private stopping = false;
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
  }

  async run(): Promise<RunOutcome> {
    fs.writeFileSync(this.paths.pidFile, `${process.pid}\n`);
    try {
      return await this.trade();
    } catch (error) {
      this.log.fatal({ err: error }, `paperlive stopped: ${(error as Error).message}`);
      throw error;
    } finally {
      fs.rmSync(this.paths.pidFile, { force: true });
      this.log.flush();
    }
  }

  private async trade(): Promise<RunOutcome> {
    const { paths, config, log } = this;
    log.info({ home: paths.home, version: packageVersion(), node: process.version }, 'paperlive starting');
    for (const file of [paths.allTrades, paths.signals, paths.shadowDecisions]) {
      const repaired = repairTornTail(file);
      if (repaired) log.warn({ file, removed_bytes: repaired.removedBytes }, 'truncated a torn final line left by a crash');
    }

    const ledger = openLedger(paths.ledger);
    const tradeFiles = new TradeFiles(paths.allTrades, paths.tradesToday, ledger);
    const signalLog = new JsonlAppender(paths.signals);
    const reconciled = tradeFiles.reconcile();
    if (reconciled.appended > 0) log.warn({ appended: reconciled.appended }, 'all_trades.jsonl was behind the ledger; appended the missing trades');
    if (reconciled.skippedLines.length > 0) log.warn({ lines: reconciled.skippedLines }, 'all_trades.jsonl has lines that do not parse; skipped them');

    const feed = await createMarketFeed({
      config,
      home: paths.home,
      choice: { source: this.options.feed, dataDir: this.options.dataDir, speed: this.options.speed, from: this.options.from, to: this.options.to, loop: this.options.loop },
      clock: this.clock,
      logger: log,
      env: this.env,
    });
    log.info({ source: feed.source }, 'loading markets');
    const markets = await feed.loadMarkets();
    let publisher: StatusPublisher | null = null;
    const { engine, broker, risk, flags, warmupCandles, gateDescription } = buildTradingKernel({
      config,
      env: this.env,
      ledger,
      markets,
      feed: { isHealthy: () => feed.health().healthy, isStale: (symbol) => feed.health().staleSymbols.includes(symbol) },
      listener: {
        onSignal: (record: SignalRecord) => {
          signalLog.append({ ...record, market_time: new Date(record.market_time).toISOString(), logged_at: new Date(this.clock.now()).toISOString() });
          publisher?.changed();
        },
        onTrade: (trade) => {
          tradeFiles.record(trade);
          log.info({ trade }, `closed ${trade.symbol} ${trade.exit_reason} net ${trade.net_pnl.toFixed(2)}`);
        },
        onPositionChange: () => publisher?.changed(),
        onStrategyError: (strategy, error) => this.recordError(`strategy ${strategy} failed: ${(error as Error).message}`, error),
      },
    });
    log.info(gateDescription);
    const restored = broker.openPositions();
    if (restored.length > 0) log.info({ positions: restored.map((p) => ({ symbol: p.symbol, quantity: p.quantity, entry: p.entry })) }, 'restored open positions');

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
      tradingState: () => this.finalState ?? deriveTradingState({ emergencyStopped: false, stopped: false, halted: flags.halted || flags.persistenceFailure, paused: flags.paused }),
      lastCandleProcessedAt: () => this.lastCandleProcessedAt,
    };
    publisher = new StatusPublisher({
      statusFile: paths.statusFile,
      heartbeatFile: paths.heartbeat,
      statusIntervalMs: config.status_interval_s * 1000,
      heartbeatIntervalMs: config.heartbeat_interval_s * 1000,
      buildStatus: () => buildStatus(view),
      buildHeartbeat: () => buildHeartbeat(view, 'alive'),
      onWriteError: (error) => log.error({ err: error }, 'could not write status or heartbeat'),
    });
    publisher.start();

    const stopped = new Promise<string>((resolve) => {
      this.stopRequest = resolve;
    });
    const detachSignals = this.attachStopSignals();
    let canTrade = engine.blockers().length === 0;
    let feedHealthy = feed.health().healthy;
    const persist = (what: () => void): boolean => {
      try {
        what();
        if (flags.persistenceFailure) {
          engine.persistMarketTime(); // a real write: only that proves the ledger is back
          flags.persistenceFailure = false;
          log.warn('the ledger accepts writes again; trading resumes');
          publisher?.changed();
        }
        return true;
      } catch (error) {
        if (!isStorageUnavailable(error)) throw error;
        if (!flags.persistenceFailure) {
          flags.persistenceFailure = true;
          this.recordError(`the ledger ${paths.ledger} refused a write (${(error as Error).message}); trading is halted until it accepts writes again`, error);
          publisher?.changed();
        }
        return false;
      }
    };
    const marketTimeTimer = setInterval(() => persist(() => engine.persistMarketTime()), 1_000);
    if (engine.marketTime !== null) log.info({ resume_after: new Date(engine.marketTime).toISOString() }, 'resuming after the last market time the ledger recorded');
    let crash: unknown = null;
    try {
      const running = feed.run({ after: engine.marketTime, warmupCandles: warmupCandles + 5 }, (batch) => {
        if (!persist(() => engine.processBatch(batch))) return;
        if (batch.warmup) return;
        this.lastCandleProcessedAt = this.clock.now();
        tradeFiles.rollTo(utcDay(batch.ts));
        const nowCanTrade = engine.blockers().length === 0;
        const nowHealthy = feed.health().healthy;
        if (nowCanTrade !== canTrade || nowHealthy !== feedHealthy) publisher?.changed();
        canTrade = nowCanTrade;
        feedHealthy = nowHealthy;
      });
      const first = await Promise.race([running.then(() => 'feed_ended'), stopped]);
      if (first === 'feed_ended') {
        log.info({ market_time: engine.marketTime === null ? null : new Date(engine.marketTime).toISOString() }, 'replay data ended');
        publisher.changed();
        if (!this.options.exitAtEnd) await stopped;
      } else {
        log.info({ reason: first }, 'stopping');
        feed.stop();
        await running;
      }
    } catch (error) {
      crash = error;
    } finally {
      clearInterval(marketTimeTimer);
      detachSignals();
    }
    feed.stop();
    engine.persistMarketTime();
    this.finalState = TradingState.STOPPED;
    if (crash) this.recordError(`crashed: ${(crash as Error).message}`, crash);
    publisher.close({ ...buildStatus(view), is_alive: false }, buildHeartbeat(view, 'stopped'));
    tradeFiles.close();
    signalLog.close();
    ledger.close();
    log.info({ open_positions: broker.openPositions().length, crashed: crash !== null }, crash ? 'paperlive stopped after a crash' : 'paperlive stopped cleanly');
    if (crash) throw crash;
    return 'stopped';
  }

  private attachStopSignals(): () => void {
    const onSignal = (signal: string) => () => this.requestStop(signal);
    const handlers: Array<[string, () => void]> = ['SIGINT', 'SIGTERM', 'SIGBREAK', 'SIGHUP'].map((s) => [s, onSignal(s)]);
    for (const [signal, handler] of handlers) process.on(signal, handler);
    const onMessage = (message: unknown) => {
      if (message === 'shutdown' || (message as { type?: string })?.type === 'shutdown') this.requestStop('pm2 shutdown message');
    };
    process.on('message', onMessage);
    const onUncaught = (error: unknown) => {
      this.recordError(`uncaught: ${(error as Error)?.message ?? String(error)}`, error);
      this.requestStop('uncaught error');
      process.exitCode = 1;
    };
    process.on('uncaughtException', onUncaught);
    process.on('unhandledRejection', onUncaught);
    return () => {
      for (const [signal, handler] of handlers) process.off(signal, handler);
      process.off('message', onMessage);
      process.off('uncaughtException', onUncaught);
      process.off('unhandledRejection', onUncaught);
    };
  }

  private requestStop(reason: string): void {
    if (this.stopping) return;
    this.stopping = true;
    this.log.info({ reason }, 'stop requested');
    this.stopRequest?.(reason);
  }

  private recordError(message: string, error: unknown): void {
    this.log.error({ err: error }, message);
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

/** A control file by name, case-insensitive, with or without `.txt` (SPEC §3). */
export function findControlFile(dir: string, ...names: string[]): string | null {
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch {
    return null;
  }
  const wanted = new Set(names.flatMap((n) => [n.toLowerCase(), `${n.toLowerCase()}.txt`]));
  const hit = entries.find((entry) => wanted.has(entry.toLowerCase()));
  return hit ? path.join(dir, hit) : null;
}
