import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../src/config/load-config.js';
import { configSchema } from '../../../src/config/schema.js';
import { DEFAULT_GATE_SETTINGS, entryRulesFor, type GateSettings } from '../../../src/risk/gate-settings.js';

describe('gate settings', () => {
  it('when config has no gate section then its defaults are the built-in gate defaults (reference 002 table)', () => {
    const settings: GateSettings = configSchema.parse(undefined).gate;
    expect(settings).toEqual(DEFAULT_GATE_SETTINGS);
  });

  it('when a symbol overrides some rules then it inherits the others, and an explicit null means unlimited', () => {
    const config = parseConfigText('gate:\n  max_entries_per_day: 5\n  per_symbol:\n    SOL/USDT: { min_interval_s: 60, max_entries_per_day: null }\n', 'paper_live.yaml');
    expect(entryRulesFor(config.gate, 'SOL/USDT')).toEqual({ ...entryRulesFor(DEFAULT_GATE_SETTINGS, 'ETH/USDT'), min_interval_s: 60, max_entries_per_day: null });
    expect(entryRulesFor(config.gate, 'ETH/USDT').max_entries_per_day).toBe(5);
    expect(config.gate.per_symbol['BTC/USDT']).toBeUndefined();
  });

  it.each<[string, RegExp]>([
    ['gate:\n  min_confidence: 1.5\n', /:2 gate\.min_confidence: /],
    ['gate:\n  max_entries_per_day: 0\n', /:2 gate\.max_entries_per_day: /],
    ['gate:\n  loss_streak: 1.5\n', /:2 gate\.loss_streak: /],
    ['gate:\n  min_ev_ratio: 2\n', /:2 gate\.min_ev_ratio: unknown key/],
    ['gate:\n  per_symbol:\n    BTC/USDT: { cooldown_s: 60 }\n', /gate\.per_symbol\.BTC\/USDT\.cooldown_s: unknown key/],
  ])('when the config says %j then it is rejected naming the key', (yaml, message) => {
    expect(() => parseConfigText(yaml, 'paper_live.yaml')).toThrow(message);
  });
});
