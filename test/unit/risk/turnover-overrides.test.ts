import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/model/errors.js';
import { DEFAULT_GATE_SETTINGS, entryRulesFor } from '../../../src/risk/gate-settings.js';
import { applyTurnoverOverrides } from '../../../src/risk/turnover-overrides.js';

describe('applyTurnoverOverrides', () => {
  it('when neither variable is set then the settings are unchanged and the line says none', () => {
    const result = applyTurnoverOverrides(DEFAULT_GATE_SETTINGS, { PATH: '/usr/bin' });
    expect(result.settings).toEqual(DEFAULT_GATE_SETTINGS);
    expect(result.description).toBe('Paper-live turnover overrides: none; in force: min_ev_cost_ratio 1x cost (BTC/USDT 2x cost), max_entries_per_day unlimited (BTC/USDT 3)');
  });

  it('when both are set then they replace the ratio and the daily maximum for every symbol, BTC included', () => {
    const result = applyTurnoverOverrides(DEFAULT_GATE_SETTINGS, { PAPER_LIVE_TURNOVER_MIN_RATIO: '2.5', PAPER_LIVE_TURNOVER_MAX_DAILY: '8' });
    for (const symbol of ['ETH/USDT', 'BTC/USDT']) expect(entryRulesFor(result.settings, symbol)).toMatchObject({ min_ev_cost_ratio: 2.5, max_entries_per_day: 8 });
    expect(entryRulesFor(result.settings, 'BTC/USDT')).toMatchObject({ min_confidence: 0.75, min_interval_s: 14_400 });
    expect(result.description).toBe(
      'Paper-live turnover overrides: PAPER_LIVE_TURNOVER_MIN_RATIO=2.5 PAPER_LIVE_TURNOVER_MAX_DAILY=8 (every symbol); in force: min_ev_cost_ratio 2.5x cost, max_entries_per_day 8',
    );
    expect(DEFAULT_GATE_SETTINGS.min_ev_cost_ratio).toBe(1);
  });

  it.each<[string, Record<string, string>, Partial<{ min_ev_cost_ratio: number; max_entries_per_day: number | null }>]>([
    ['only the ratio', { PAPER_LIVE_TURNOVER_MIN_RATIO: '0.5' }, { min_ev_cost_ratio: 0.5, max_entries_per_day: null }],
    ['only the daily maximum', { PAPER_LIVE_TURNOVER_MAX_DAILY: '12' }, { min_ev_cost_ratio: 1, max_entries_per_day: 12 }],
    ['a ratio of 0', { PAPER_LIVE_TURNOVER_MIN_RATIO: '0' }, { min_ev_cost_ratio: 0 }],
    ['surrounding spaces', { PAPER_LIVE_TURNOVER_MIN_RATIO: ' 3 ' }, { min_ev_cost_ratio: 3 }],
    ['empty values', { PAPER_LIVE_TURNOVER_MIN_RATIO: '', PAPER_LIVE_TURNOVER_MAX_DAILY: '  ' }, { min_ev_cost_ratio: 1, max_entries_per_day: null }],
  ])('when %s is given then the default symbol gets it', (_, env, expected) => {
    expect(entryRulesFor(applyTurnoverOverrides(DEFAULT_GATE_SETTINGS, env).settings, 'ETH/USDT')).toMatchObject(expected);
  });

  it.each<[string, string]>([
    ['PAPER_LIVE_TURNOVER_MIN_RATIO', 'abc'],
    ['PAPER_LIVE_TURNOVER_MIN_RATIO', '-1'],
    ['PAPER_LIVE_TURNOVER_MIN_RATIO', '1e3'],
    ['PAPER_LIVE_TURNOVER_MIN_RATIO', '2,5'],
    ['PAPER_LIVE_TURNOVER_MIN_RATIO', 'Infinity'],
    ['PAPER_LIVE_TURNOVER_MAX_DAILY', '2.5'],
    ['PAPER_LIVE_TURNOVER_MAX_DAILY', '0'],
    ['PAPER_LIVE_TURNOVER_MAX_DAILY', 'ten'],
    ['PAPER_LIVE_TURNOVER_MAX_DAILY', '0x10'],
  ])('when %s is %j then a ConfigError names the variable and the value', (name, value) => {
    const run = () => applyTurnoverOverrides(DEFAULT_GATE_SETTINGS, { [name]: value });
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(new RegExp(`${name} must be .*got ${JSON.stringify(value).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });
});
