import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FAST_REPLAY, cli, freezeHoldingPosition, readLines, startDaemon, statusOf, tempHome, waitFor, writeConfig } from '../support/daemon.js';

const running: Array<{ kill: (signal?: NodeJS.Signals) => boolean }> = [];
afterEach(() => {
  for (const child of running.splice(0)) child.kill('SIGKILL');
});

describe('champion/challenger in the running daemon', () => {
  it('when a challenger is promoted from the CLI then the daemon trades it from the next candle, without a restart', async () => {
    const home = tempHome();
    writeConfig(home, FAST_REPLAY.replace('speed: max', 'speed: 3000').replace('strategies: { challengers: [] }', 'strategies: { challengers: [donchian_breakout] }'));
    const child = startDaemon(home);
    running.push(child);
    const first = await waitFor('trading', () => (statusOf(home)?.market_time ? statusOf(home) : null));
    expect(first.strategies).toEqual({ champion: 'ema_trend', challengers: ['donchian_breakout'] });

    const promote = await cli(['production', '--home', home, '--promote', 'donchian_breakout', '--yes']);
    expect(promote.exitCode, promote.stderr).toBe(0);
    const promoted = await waitFor('the new champion in status', () => {
      const s = statusOf(home);
      return s?.strategies.champion === 'donchian_breakout' ? s : null;
    });
    const since = Date.parse(promoted.market_time);
    const signals = () => readLines(path.join(home, 'logs', 'signals.jsonl')).map((l) => JSON.parse(l));
    const later = () => signals().filter((s) => Date.parse(s.market_time) > since + 60_000);
    await waitFor('signals after the promotion', () => later().length >= 3, 60_000);
    const after = later();
    expect(after.every((s) => s.strategy === 'donchian_breakout')).toBe(true);
    expect(child.pid).toBe(statusOf(home).pid);
    child.kill('SIGTERM');
    expect((await child).exitCode).toBe(0);
  });

  it('when on_promotion is close then a promotion closes the old champion\'s positions at market, as handover trades', async () => {
    const home = tempHome();
    // Wide stops and no target: positions stay open long enough to be caught.
    const strategies = 'strategies: { challengers: [donchian_breakout], on_promotion: close, params: { ema_trend: { atr_stop_mult: 25, atr_target_mult: 0 } } }';
    writeConfig(home, FAST_REPLAY.replace('speed: max', 'speed: 3000').replace('strategies: { challengers: [] }', strategies));
    const child = startDaemon(home);
    running.push(child);
    // Frozen while it holds a position, the daemon takes the promotion with its next batch.
    await freezeHoldingPosition(home, child);
    const promote = await cli(['production', '--home', home, '--promote', 'donchian_breakout', '--yes']);
    child.kill('SIGCONT');
    expect(promote.exitCode, promote.stderr).toBe(0);
    const line = await waitFor('the promotion log line', () =>
      readLines(path.join(home, 'logs', 'paper_live.log'))
        .map((l) => JSON.parse(l))
        .find((l) => l.champion === 'donchian_breakout' && typeof l.closed === 'number'),
    );
    expect(line.closed).toBeGreaterThan(0);
    expect(line.msg).toContain('were closed at market');
    const handovers = readLines(path.join(home, 'logs', 'all_trades.jsonl'))
      .map((l) => JSON.parse(l))
      .filter((t) => t.exit_reason === 'handover');
    expect(handovers).toHaveLength(line.closed);
    expect(handovers.every((t) => t.strategy === 'ema_trend')).toBe(true);
    child.kill('SIGTERM');
    expect((await child).exitCode).toBe(0);
  });

  it('when a challenger is added from the CLI then status lists it and its shadow decisions start without a restart', async () => {
    const home = tempHome();
    writeConfig(home, FAST_REPLAY.replace('speed: max', 'speed: 3000'));
    const child = startDaemon(home);
    running.push(child);
    await waitFor('trading', () => statusOf(home)?.market_time);
    const added = await cli(['production', '--home', home, '--add-challenger', 'rsi_revert']);
    expect(added.exitCode).toBe(0);
    const listed = await waitFor('the challenger in status', () => {
      const s = statusOf(home);
      return s?.strategies.challengers.includes('rsi_revert') ? s : null;
    });
    const since = Date.parse(listed.market_time);
    const decisions = () => readLines(path.join(home, 'data', 'rl', 'shadow_decisions.jsonl')).map((l) => JSON.parse(l));
    await waitFor('a shadow decision of the new challenger', () => decisions().some((d) => d.strategy === 'rsi_revert' && d.role === 'challenger' && Date.parse(d.market_time) >= since), 60_000);
    expect(child.pid).toBe(statusOf(home).pid);
    child.kill('SIGTERM');
    expect((await child).exitCode).toBe(0);
  });

  it('when market days roll then the daemon logs each day\'s returns, checks drift and writes the daily reports, off the trading thread', async () => {
    const home = tempHome();
    writeConfig(home, FAST_REPLAY.replace('strategies: { challengers: [] }', 'strategies: { challengers: [donchian_breakout] }'));
    const run = await cli(['run', '--home', home, '--exit-at-end', '--to', '2023-03-21T00:00:00Z']);
    expect(run.exitCode).toBe(0);
    const monitor = JSON.parse((await cli(['monitor', '--status', '--home', home, '--json'])).stdout);
    const champion = monitor.strategies.find((s: { role: string }) => s.role === 'champion');
    // 2023-03-16 (from 22:15) to 2023-03-20: four whole market days closed before the end.
    expect(champion).toMatchObject({ strategy: 'ema_trend', days_logged: 4, last_date: '2023-03-19' });
    expect(monitor.strategies.find((s: { strategy: string }) => s.strategy === 'donchian_breakout').days_logged).toBeGreaterThan(0);
    const reports = fs.readdirSync(path.join(home, 'data', 'reports'));
    for (const day of ['2023-03-17', '2023-03-18', '2023-03-19']) expect(reports).toContain(`daily_shadow_health_${day}.json`);
  });
});

