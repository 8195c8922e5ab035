import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPLAY_DATA, cli, tempHome, writeConfig } from '../support/daemon.js';

const RELAXED = 'gate: { min_confidence: 0, min_ev_cost_ratio: 0, per_symbol: {} }\nfeed: { timeframe: 5m }\n';

describe('paperlive backtest', () => {
  it('when run twice on the same data then the trades are byte-identical, and it trades with costs', async () => {
    const home = tempHome();
    writeConfig(home, RELAXED);
    const args = ['backtest', '--home', home, '--data', REPLAY_DATA, '--from', '2023-03-20T00:00:00Z', '--to', '2023-04-03T00:00:00Z', '--json'];
    const first = await cli(args);
    const second = await cli(args);
    expect(first.exitCode).toBe(0);
    const a = JSON.parse(first.stdout);
    const b = JSON.parse(second.stdout);
    expect(JSON.stringify(a.trades)).toBe(JSON.stringify(b.trades));
    expect(a.trades.length).toBeGreaterThan(10);
    // 14 days of 5m candles for 3 symbols, less the 16 candles each that Binance never printed
    // during the 2023-03-24 trading halt; `--to` is exclusive.
    expect(a.candles).toBe(3 * (14 * 288 - 16));
    expect(a.metrics.trades).toBe(a.trades.length);
    for (const t of a.trades) {
      expect(t.fees).toBeGreaterThan(0);
      expect(Date.parse(t.opened_at)).toBeGreaterThanOrEqual(Date.parse('2023-03-20T00:00:00Z'));
    }
  });

  it('when --from is given then the candles before it warm the strategy up, so it can trade at once', async () => {
    const home = tempHome();
    writeConfig(home, RELAXED);
    const from = Date.parse('2023-03-20T11:10:00Z');
    const result = await cli(['backtest', '--home', home, '--data', REPLAY_DATA, '--json', '--from', new Date(from).toISOString(), '--to', '2023-03-20T16:00:00Z']);
    const { trades, candles } = JSON.parse(result.stdout);
    expect(candles).toBe(3 * 58); // the warm-up candles are not counted
    // Cold, ema_trend could not signal before its 27th candle (26 × 5m after --from).
    const first = Math.min(...trades.map((t: { opened_at: string }) => Date.parse(t.opened_at)));
    expect(first - from).toBeLessThan(26 * 300_000);
  });

  it('when capital preservation thresholds are tight then the backtest blocks entries as the daemon would, and loses less', async () => {
    const args = (home: string) => ['backtest', '--home', home, '--data', REPLAY_DATA, '--from', '2023-03-20T00:00:00Z', '--to', '2023-04-03T00:00:00Z', '--json'];
    const loose = tempHome();
    writeConfig(loose, RELAXED);
    const tight = tempHome();
    const none = '{ caution: null, defensive: null, lockdown: null, crisis: null }';
    writeConfig(
      tight,
      `${RELAXED}risk:\n  capital_preservation: { drawdown_pct: { caution: 0.2, defensive: 0.4, lockdown: 0.6, crisis: 50 }, recovery_drawdown_pct: { caution: 0.1, defensive: 0.3 }, loss_streak: ${none}, daily_loss_pct: ${none} }\n`,
    );
    const free = JSON.parse((await cli(args(loose))).stdout);
    const guarded = JSON.parse((await cli(args(tight))).stdout);
    expect(free.trades.length).toBeGreaterThan(20);
    // LOCKDOWN at a 0.6 % drawdown takes no new entry for the rest of the run.
    expect(guarded.trades.length).toBeLessThan(free.trades.length / 2);
    expect(guarded.metrics.max_drawdown_pct).toBeLessThan(free.metrics.max_drawdown_pct / 2);
  });

  it('when another strategy is named then it is the one that trades', async () => {
    const home = tempHome();
    writeConfig(home, RELAXED);
    const result = await cli(['backtest', '--home', home, '--data', REPLAY_DATA, '--strategy', 'donchian_breakout', '--to', '2023-04-01T00:00:00Z', '--json']);
    expect(result.exitCode).toBe(0);
    const strategies = new Set(JSON.parse(result.stdout).trades.map((t: { strategy: string }) => t.strategy));
    expect([...strategies]).toEqual(['donchian_breakout']);
  });

  it('when a configured symbol is missing from the bundled markets snapshot then it exits 78 with one sentence naming it', async () => {
    const home = tempHome();
    writeConfig(home, 'feed: { symbols: [BTC/USDT, DOGE/USDT] }\n');
    const data = tempHome('replay-');
    const rows = fs.readFileSync(path.join(REPLAY_DATA, 'BINANCE_BTC-USDT_1m.csv'), 'utf8').split('\n').slice(0, 50).join('\n') + '\n';
    for (const base of ['BTC', 'DOGE']) fs.writeFileSync(path.join(data, `BINANCE_${base}-USDT_1m.csv`), rows);
    const result = await cli(['backtest', '--home', home, '--data', data]);
    expect(result.exitCode).toBe(78);
    expect(result.stderr).toContain('has no market DOGE/USDT');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it.each([
    ['no --data', 2, [], '--data DIR is required'],
    ['an unknown strategy', 2, ['--data', REPLAY_DATA, '--strategy', 'moon'], '"moon" is not a strategy'],
    ['a folder without the files', 78, ['--data', path.join(REPLAY_DATA, '..', 'markets')], 'BINANCE_BTC-USDT_1m.csv'],
    ['a bad date', 2, ['--data', REPLAY_DATA, '--from', 'soon'], '--from "soon"'],
    ['a date that does not exist', 2, ['--data', REPLAY_DATA, '--from', '2023-02-30'], '--from "2023-02-30"'],
    ['a --config that does not exist', 2, ['--data', REPLAY_DATA, '--config', '/no/such/paper_live.yaml'], '/no/such/paper_live.yaml does not exist'],
    ['a --data folder that does not exist', 2, ['--data', '/no/such/replay'], '--data /no/such/replay is not a folder'],
  ])('when given %s then it exits %i with one sentence', async (_what, code, args, text) => {
    const result = await cli(['backtest', '--home', tempHome(), ...args]);
    expect(result.exitCode).toBe(code);
    expect(result.stderr).toContain(text);
  });
});
