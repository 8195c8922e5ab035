import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { CLI, ROOT, cli, tempHome, writeConfig } from '../support/daemon.js';

/*
 * The monitor, production and trigger-reevolution commands spawned for real. Until
 * src/cli/main.ts lists them, each is run by a tiny runner that imports the built command module
 * and maps errors to exit codes as main.ts does; once registered, the real CLI is used.
 */
const COMMANDS: Record<string, readonly [string, string]> = {
  monitor: ['monitor.js', 'monitorCommand'],
  production: ['production.js', 'productionCommand'],
  'trigger-reevolution': ['trigger-reevolution.js', 'triggerReevolutionCommand'],
};
const REGISTERED = fs.readFileSync(CLI, 'utf8').includes('commands/monitor.js');

function paperlive(args: string[]) {
  if (REGISTERED) return cli(args);
  return execa('node', runnerArgs(args), { reject: false, stdin: 'ignore', cwd: ROOT, timeout: 60_000 });
}

/** Node arguments that run one command: the real CLI once registered, else the runner below. */
function runnerArgs(args: string[]): string[] {
  if (REGISTERED) return [CLI, ...args];
  const [name = '', ...rest] = args;
  const [file, fn] = COMMANDS[name]!;
  const url = pathToFileURL(path.join(ROOT, 'dist', 'cli', 'commands', file)).href;
  const runner = `
    const codes = { UsageError: 2, InstanceLockedError: 3, EmergencyStopError: 4, ConfigError: 78 };
    import(${JSON.stringify(url)}).then((m) => m.${fn}(process.argv.slice(1))).then(
      (code) => { process.exitCode = code; },
      (error) => {
        const message = error instanceof Error ? error.message : String(error);
        console.error(message.startsWith('paperlive') ? message : 'paperlive: ' + message);
        process.exitCode = error?.name === 'CommandResultError' ? error.exitCode : codes[error?.name] ?? 1;
      });`;
  return ['--input-type=module', '-e', runner, '--', ...rest];
}

const shellQuote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;

/** Expectations given in full, so no command needs a backtest of its own. */
const PRODUCTION = `
monitoring: { min_days_for_drift: 3, drift_days_before_reevolve: 2, challenger_eval_period: 3 }
expected_metrics:
  ema_trend: { sharpe: 2, ann_return: 30, max_drawdown: 10, ann_volatility: 20 }
  rsi_revert: { sharpe: 1, ann_return: 10, max_drawdown: 10, ann_volatility: 20 }
  donchian_breakout: { sharpe: 1, ann_return: 10, max_drawdown: 10, ann_volatility: 20 }
`;

function productionHome(production = PRODUCTION): string {
  const home = tempHome('paperlive-production-');
  writeConfig(home, 'feed: { timeframe: 5m }\ngate: { min_confidence: 0, min_ev_cost_ratio: 0, per_symbol: {} }\n');
  writeConfig(home, production, 'production.yaml');
  return home;
}

function ledger<T>(home: string, fn: (db: Database.Database) => T): T {
  const db = new Database(path.join(home, 'data', 'paperlive.sqlite'), { readonly: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** Days from today (UTC): a challenger added now counts the returns of its first day on. */
const TODAY = Date.parse(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
const day = (offset: number) => new Date(TODAY + offset * 86_400_000).toISOString().slice(0, 10);
const SPEC_KEYS = ['detected', 'drift_type', 'severity', 'message', 'rolling_sharpe', 'expected_sharpe', 'current_drawdown', 'should_trigger_reevolution', 'should_demote_champion'];

describe('paperlive monitor', () => {
  it('when a negative daily return is logged then it is a value, recorded as given', async () => {
    const home = productionHome();
    const result = await paperlive(['monitor', '--home', home, '--log', '--strategy', 'ema_trend', '--date', day(0), '--daily-return', '-1.5', '--json']);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).logged).toEqual({ date: day(0), strategy: 'ema_trend', return_pct: -1.5 });
    expect(ledger(home, (db) => db.prepare('SELECT strategy, date, return_pct, source FROM daily_returns').all())).toEqual([{ strategy: 'ema_trend', date: day(0), return_pct: -1.5, source: 'manual' }]);
  });

  it('when drift is checked then the JSON has the SPEC keys, it exits 0 either way and counts nothing', async () => {
    const home = productionHome();
    const insufficient = await paperlive(['monitor', '--home', home, '--check-drift', '--strategy', 'ema_trend', '--json']);
    expect(insufficient.exitCode).toBe(0);
    expect(Object.keys(JSON.parse(insufficient.stdout))).toEqual([...SPEC_KEYS, 'change_point']);
    expect(JSON.parse(insufficient.stdout)).toMatchObject({ detected: false, drift_type: 'none', expected_sharpe: 2 });
    expect(fs.existsSync(path.join(home, 'data', 'paperlive.sqlite'))).toBe(false);

    for (const [i, r] of [-0.5, 0.3, -0.5].entries()) {
      expect((await paperlive(['monitor', '--home', home, '--log', '--strategy', 'ema_trend', '--date', day(i), '--daily-return', String(r)])).exitCode).toBe(0);
    }
    const counter = () => ledger(home, (db) => db.prepare('SELECT consecutive, total FROM drift_days WHERE strategy = ?').get('ema_trend'));
    expect(counter()).toEqual({ consecutive: 1, total: 1 });
    for (let i = 0; i < 2; i++) {
      const drift = await paperlive(['monitor', '--home', home, '--check-drift', '--strategy', 'ema_trend', '--json']);
      expect(drift.exitCode).toBe(0);
      expect(JSON.parse(drift.stdout)).toMatchObject({ detected: true, drift_type: 'performance', should_trigger_reevolution: false });
    }
    expect(counter()).toEqual({ consecutive: 1, total: 1 });

    const human = await paperlive(['monitor', '--home', home, '--check-drift', '--strategy', 'ema_trend']);
    expect(human.stdout).toContain('Drift check for ema_trend (3 day(s) logged)');
    expect(human.stdout).toContain('consecutive drift days         1 of 2');
  });

  it('when the champion drifts on consecutive logged days then re-evolution is requested and status shows it', async () => {
    const home = productionHome();
    for (const [i, r] of [-0.5, 0.3, -0.5, 0.3].entries()) await paperlive(['monitor', '--home', home, '--log', '--strategy', 'ema_trend', '--date', day(i), '--daily-return', String(r)]);
    const status = await paperlive(['monitor', '--home', home, '--status', '--json']);
    expect(status.exitCode).toBe(0);
    const document = JSON.parse(status.stdout);
    expect(document).toMatchObject({ champion: 'ema_trend', challengers: ['donchian_breakout', 'rsi_revert'], reevolution_requested: true });
    expect(document.strategies[0]).toMatchObject({ strategy: 'ema_trend', role: 'champion', days_logged: 4, consecutive_drift_days: 2, drift_type: 'performance' });
  });

  it('when the champion crashes past the emergency drawdown then --log promotes the best challenger and says CRITICAL', async () => {
    const home = productionHome();
    for (let i = 0; i < 4; i++) {
      await paperlive(['monitor', '--home', home, '--log', '--strategy', 'rsi_revert', '--date', day(i), '--daily-return', i % 2 ? '-0.5' : '1']);
    }
    let stderr = '';
    for (const [i, r] of [1, -15, -15, -15].entries()) stderr += (await paperlive(['monitor', '--home', home, '--log', '--strategy', 'ema_trend', '--date', day(i), '--daily-return', String(r)])).stderr;
    expect(stderr).toMatch(/CRITICAL: EMERGENCY: champion ema_trend demoted .* promoted rsi_revert/);
    const list = JSON.parse((await paperlive(['production', '--home', home, '--list-challengers', '--json'])).stdout);
    expect(list.champion).toBe('rsi_revert');
    expect(list.challengers.map((c: { id: string }) => c.id)).toContain('ema_trend');
  });

  it.each([
    ['no action', ['--strategy', 'ema_trend'], 'give exactly one of --status, --check-drift, --log'],
    ['an unknown strategy', ['--check-drift', '--strategy', 'moonshot'], '--strategy moonshot: unknown strategy "moonshot"'],
    ['a parameter the strategy lacks', ['--check-drift', '--strategy', 'ema_trend@speed=3'], 'strategy ema_trend has no parameter "speed"'],
    ['an impossible date', ['--log', '--strategy', 'ema_trend', '--date', '2026-02-30', '--daily-return', '1'], '--date "2026-02-30" is not a calendar day'],
    ['a loss beyond 100 %', ['--log', '--strategy', 'ema_trend', '--date', '2026-02-01', '--daily-return', '-150'], '--daily-return "-150" is not a daily return in percent above -100'],
  ])('when monitor gets %s then it exits 2 with one sentence', async (_what, args, message) => {
    const result = await paperlive(['monitor', '--home', productionHome(), ...args]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('when production.yaml is invalid then the command exits 78 naming file, line and key', async () => {
    const home = productionHome('monitoring:\n  rolling_window: 20\n  emergency_drawdown: -10\n');
    const result = await paperlive(['monitor', '--home', home, '--status']);
    expect(result.exitCode).toBe(78);
    expect(result.stderr).toContain(`${path.join(home, 'configs', 'production.yaml')}:3 monitoring.emergency_drawdown: must be at or below monitoring.max_drawdown_threshold (-15)`);
  });
});

describe('paperlive production', () => {
  it('when --promote has no terminal and no --yes then it refuses with exit 1 and changes nothing', async () => {
    const home = productionHome();
    expect((await paperlive(['production', '--home', home, '--add-challenger', 'ema_trend@slow=40,fast=10'])).exitCode).toBe(0);
    const version = () => ledger(home, (db) => (db.prepare('SELECT version FROM production_state').get() as { version: number }).version);
    const before = version();
    const refused = await paperlive(['production', '--home', home, '--promote', 'rsi_revert']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr.trim()).toBe('paperlive production: refused: not promoting rsi_revert without confirmation: stdin is not a terminal; add --yes to confirm');
    expect(version()).toBe(before);

    const promoted = await paperlive(['production', '--home', home, '--promote', 'rsi_revert', '--yes', '--by', 'alice', '--reason', 'better Sharpe']);
    expect(promoted.exitCode).toBe(0);
    expect(promoted.stdout).toContain('Promoted rsi_revert to champion (demoted ema_trend, now a challenger)');
    expect(version()).toBeGreaterThan(before);
    expect(ledger(home, (db) => db.prepare('SELECT kind, from_strategy, to_strategy, reviewer, reason FROM promotions ORDER BY id DESC LIMIT 1').get())).toEqual({
      kind: 'promote',
      from_strategy: 'ema_trend',
      to_strategy: 'rsi_revert',
      reviewer: 'operator:alice',
      reason: 'better Sharpe',
    });
    const list = await paperlive(['production', '--home', home, '--list-challengers']);
    expect(list.stdout).toContain('Champion: rsi_revert');
    expect(list.stdout).toMatch(/- ema_trend +since .*\(demoted_champion: demoted by operator:alice: better Sharpe\)/);
  });

  // util-linux `script` gives the command a terminal, as an operator's shell would.
  it.skipIf(process.platform !== 'linux' || !fs.existsSync('/usr/bin/script'))('when --promote runs on a terminal then it asks, and only "yes" promotes', async () => {
    const home = productionHome();
    const onTerminal = (answer: string) =>
      execa('script', ['-qec', [process.execPath, ...runnerArgs(['production', '--home', home, '--promote', 'rsi_revert'])].map(shellQuote).join(' '), '/dev/null'], {
        reject: false,
        input: `${answer}\n`,
        cwd: ROOT,
        timeout: 30_000,
      });
    const no = await onTerminal('no');
    expect(no.stdout).toContain('Confirm? (yes/no)');
    expect(no.exitCode).toBe(1);
    expect(no.stdout).toContain('promotion of rsi_revert cancelled');
    const yes = await onTerminal('yes');
    expect(yes.exitCode).toBe(0);
    expect(yes.stdout).toContain('Promoted rsi_revert to champion');
  });

  it.each([
    ['promoting the champion itself', ['--promote', 'ema_trend', '--yes'], 'ema_trend is already the champion'],
    ['promoting a strategy that is not a challenger', ['--promote', 'ema_trend@fast=5,slow=9', '--yes'], 'ema_trend@fast=5,slow=9 is not a challenger (challengers: rsi_revert, donchian_breakout)'],
    ['adding a challenger beyond the maximum', ['--add-challenger', 'ema_trend@fast=5,slow=9'], 'max_concurrent_challengers (2) is reached'],
    ['adding a strategy that does not build', ['--add-challenger', 'ema_trend@fast=30,slow=9'], 'ema_trend@fast=30,slow=9 cannot be built: parameter slow must be greater than fast'],
    ['removing a stranger', ['--remove-challenger', 'moonshot'], 'moonshot is not a challenger'],
  ])('when %s then it is refused with exit 1', async (_what, args, reason) => {
    const home = productionHome(`${PRODUCTION}max_concurrent_challengers: 2\n`);
    const result = await paperlive(['production', '--home', home, ...args]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`paperlive production: refused: ${reason}`);
  });

  it('when challengers are evaluated then the ranking comes with reasons, read-only', async () => {
    const home = productionHome();
    for (let i = 0; i < 3; i++) {
      await paperlive(['monitor', '--home', home, '--log', '--strategy', 'ema_trend', '--date', day(i), '--daily-return', i % 2 ? '-1' : '1.1']);
      await paperlive(['monitor', '--home', home, '--log', '--strategy', 'donchian_breakout', '--date', day(i), '--daily-return', i % 2 ? '-0.5' : '2']);
    }
    const result = await paperlive(['production', '--home', home, '--evaluate', '--json']);
    expect(result.exitCode).toBe(0);
    const evaluations = JSON.parse(result.stdout);
    expect(evaluations[0]).toMatchObject({ rank: 1, strategy_id: 'donchian_breakout', days_evaluated: 3, evaluated: true, ready_for_promotion: true });
    expect(evaluations[1]).toMatchObject({ rank: 2, strategy_id: 'rsi_revert', days_evaluated: 0, evaluated: false, ready_for_promotion: false });
    expect(evaluations[1].reasons[0]).toContain('0 of 3 days of paper returns');
  });

  it('when no action or two actions are given then it exits 2', async () => {
    expect((await paperlive(['production', '--home', productionHome()])).exitCode).toBe(2);
    expect((await paperlive(['production', '--home', productionHome(), '--evaluate', '--list-challengers'])).exitCode).toBe(2);
  });
});

describe('paperlive trigger-reevolution', () => {
  it('when run on a short slice then the best out-of-sample parameter sets become challengers, on two worker threads', async () => {
    const home = productionHome(`${PRODUCTION}reevolution: { lookback_days: 4, max_candidates: 8, validate_top: 3, min_oos_sharpe: null, seed: 7 }\n`);
    const started = Date.now();
    const result = await paperlive(['trigger-reevolution', '--home', home, '--data', path.join(ROOT, 'data', 'replay'), '--json']);
    expect(result.exitCode).toBe(0);
    expect(Date.now() - started).toBeLessThan(20_000);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ champion: 'ema_trend', method: 'builtin', seed: 7, candidates: 8, threads: 2 });
    expect(report.registered.length).toBe(1); // three slots, two taken by the seeded challengers
    const list = JSON.parse((await paperlive(['production', '--home', home, '--list-challengers', '--json'])).stdout);
    expect(list.challengers.map((c: { id: string }) => c.id)).toContain(report.registered[0].id);
    const drift = JSON.parse((await paperlive(['monitor', '--home', home, '--check-drift', '--strategy', report.registered[0].id, '--json'])).stdout);
    expect(drift.expected_sharpe).toBe(report.registered[0].expected.sharpe);
  }, 30_000);
});
