import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { computeMetrics } from '../../src/reports/metrics.js';
import { FAST_REPLAY, cli, readLines, tempHome, writeConfig } from '../support/daemon.js';

let home: string;
beforeAll(async () => {
  home = tempHome();
  writeConfig(home, FAST_REPLAY);
  const run = await cli(['run', '--home', home, '--exit-at-end', '--to', '2023-03-22T00:00:00Z']);
  expect(run.exitCode).toBe(0);
}, 120_000);

describe('paperlive perf and trades', () => {
  it('when asked for JSON then trades equals the ledger, in order, with every SPEC §8 field', async () => {
    const result = await cli(['trades', '--home', home, '--json']);
    expect(result.exitCode).toBe(0);
    const trades = JSON.parse(result.stdout);
    const logged = readLines(path.join(home, 'logs', 'all_trades.jsonl')).map((l) => JSON.parse(l));
    expect(trades.length).toBeGreaterThan(0);
    expect(new Set(trades.map((t: { id: string }) => t.id))).toEqual(new Set(logged.map((t) => t.id)));
    for (const key of ['id', 'symbol', 'side', 'strategy', 'opened_at', 'closed_at', 'entry', 'exit', 'quantity', 'gross_pnl', 'fees', 'slippage', 'net_pnl', 'return_pct', 'exit_reason', 'hold_s']) {
      expect(trades[0]).toHaveProperty(key);
    }
  });

  it('when perf runs on the home and on the trade log then both give the metrics of the same trades', async () => {
    const fromLedger = JSON.parse((await cli(['perf', '--home', home, '--json'])).stdout);
    const file = path.join(home, 'logs', 'all_trades.jsonl');
    const fromFile = JSON.parse((await cli(['perf', '--trades', file, '--starting-balance', '10000', '--json'])).stdout);
    const expected = computeMetrics(readLines(file).map((l) => JSON.parse(l)), 10_000);
    expect(fromLedger).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(fromFile).toEqual(fromLedger);
    for (const key of ['trades', 'wins', 'losses', 'win_rate', 'total_pnl', 'avg_pnl', 'avg_win', 'avg_loss', 'profit_factor', 'expectancy', 'expectancy_ratio', 'sqn', 'max_drawdown_abs', 'max_drawdown_pct', 'sharpe', 'sortino', 'calmar', 'cagr', 'cost_drag_bps']) {
      expect(fromLedger).toHaveProperty(key);
    }
  });

  it.each([
    ['a missing file', 2, ['--trades', '/no/such/trades.jsonl', '--starting-balance', '100'], 'cannot be read'],
    ['a folder', 2, ['--trades', '/tmp', '--starting-balance', '100'], 'is not a file'],
    ['no starting balance', 2, ['--trades', '/tmp/x.jsonl'], '--starting-balance'],
    ['a negative starting balance', 2, ['--trades', '/tmp/x.jsonl', '--starting-balance', '-5'], '"-5" is not a positive amount'],
  ])('when perf gets %s then it exits %i with one sentence', async (_what, code, args, text) => {
    const result = await cli(['perf', ...args]);
    expect(result.exitCode).toBe(code);
    expect(result.stderr).toContain(text);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('when a trade log has a torn line then perf skips it, says so, and still answers', async () => {
    const file = path.join(tempHome(), 'trades.jsonl');
    const lines = readLines(path.join(home, 'logs', 'all_trades.jsonl')).slice(0, 3);
    fs.writeFileSync(file, `${lines.join('\n')}\n{"id":"torn`);
    const result = await cli(['perf', '--trades', file, '--starting-balance', '10000', '--json']);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).trades).toBe(3);
    expect(result.stderr).toContain('skipped 1 line');
  });

  it('when a line of a trade log parses but is not a trade then perf names the line and what is missing, and exits 2', async () => {
    const file = path.join(tempHome(), 'trades.jsonl');
    const [first] = readLines(path.join(home, 'logs', 'all_trades.jsonl'));
    fs.writeFileSync(file, `${first}\nnot json\n{"net_pnl":5,"opened_at":"2023-01-01T00:00:00Z","closed_at":"2023-01-01T01:00:00Z"}\n`);
    const result = await cli(['perf', '--trades', file, '--starting-balance', '10000']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`line 3 of ${file} is not a trade line: entry is not a finite number`);
    expect(result.stderr).not.toContain('    at ');
  });

  it('when the ledger is not a database then perf exits 2 and trades exits 1, each with one sentence naming it', async () => {
    const broken = tempHome();
    const ledger = path.join(broken, 'data', 'paperlive.sqlite');
    fs.mkdirSync(path.dirname(ledger), { recursive: true });
    fs.writeFileSync(ledger, 'garbage, not SQLite\n'.repeat(100));
    const perf = await cli(['perf', '--home', broken]);
    const trades = await cli(['trades', '--home', broken]);
    expect([perf.exitCode, trades.exitCode]).toEqual([2, 1]);
    for (const result of [perf, trades]) {
      expect(result.stderr).toContain(`the ledger ${ledger} cannot be read`);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('when no daemon has run in the home then perf says the ledger does not exist yet, reports no trades, and creates nothing', async () => {
    const empty = tempHome();
    const perf = await cli(['perf', '--home', empty]);
    expect(perf.exitCode).toBe(0);
    expect(perf.stdout).toContain(`Performance of ${path.join(empty, 'data', 'paperlive.sqlite')}, which does not exist yet`);
    expect(perf.stdout).toMatch(/trades\s+0 /);
    expect(fs.existsSync(path.join(empty, 'data', 'paperlive.sqlite'))).toBe(false);
  });

  it('when the home\'s production.yaml sets annualization_days then perf annualises with it, and the flag overrides it', async () => {
    const file = path.join(home, 'configs', 'production.yaml');
    fs.writeFileSync(file, 'monitoring:\n  annualization_days: 252\n');
    try {
      const trades = readLines(path.join(home, 'logs', 'all_trades.jsonl')).map((l) => JSON.parse(l));
      const perf = JSON.parse((await cli(['perf', '--home', home, '--json'])).stdout);
      expect(perf.sharpe).toBeCloseTo(computeMetrics(trades, 10_000, { annualizationDays: 252 }).sharpe!, 10);
      expect(perf.sharpe).not.toBeCloseTo(computeMetrics(trades, 10_000).sharpe!, 3);
      const flagged = JSON.parse((await cli(['perf', '--home', home, '--json', '--annualization-days', '365'])).stdout);
      expect(flagged.sharpe).toBeCloseTo(computeMetrics(trades, 10_000).sharpe!, 10);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  it('when the config\'s starting balance was changed after the first start then perf still measures from the one the ledger recorded', async () => {
    const edited = path.join(tempHome(), 'edited.yaml');
    fs.writeFileSync(edited, `${FAST_REPLAY}account: { starting_balance: 5000 }\n`);
    const perf = JSON.parse((await cli(['perf', '--home', home, '--config', edited, '--json'])).stdout);
    const trades = readLines(path.join(home, 'logs', 'all_trades.jsonl')).map((l) => JSON.parse(l));
    expect(perf).toEqual(JSON.parse(JSON.stringify(computeMetrics(trades, 10_000))));
  });
});
