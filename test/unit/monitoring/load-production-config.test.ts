import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProductionConfig, parseProductionConfigText } from '../../../src/config/load-production-config.js';
import { ConfigError } from '../../../src/model/errors.js';

const FILE = 'configs/production.yaml';

function errorOf(text: string): string {
  try {
    parseProductionConfigText(text, FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('production.yaml loading', () => {
  it('when there is no file then reference 000 defaults apply, plus annualization_days 365', () => {
    const config = loadProductionConfig(null);
    expect(config.monitoring).toMatchObject({
      rolling_window: 20,
      min_days_for_drift: 10,
      sharpe_decay_threshold: 0.5,
      max_drawdown_threshold: -15,
      emergency_drawdown: -25,
      volatility_spike_threshold: 2,
      drift_days_before_reevolve: 5,
      challenger_eval_period: 30,
      min_challenger_outperformance: 0.05,
      annualization_days: 365,
    });
    expect(config).toMatchObject({ expected_metrics: {}, challenger_evolution_enabled: true, challenger_evolution_schedule: 'weekly', max_concurrent_challengers: 3 });
    expect(config.reevolution).toMatchObject({ enabled: true, trigger_on_drift: true, trigger_on_drawdown: true, drawdown_threshold: -15, schedule: '', command: null });
    expect(Object.isFrozen(config.monitoring)).toBe(true);
  });

  it('when the bundled template is loaded then it equals the built-in defaults', () => {
    const template = path.resolve(import.meta.dirname, '../../../configs/production.yaml');
    expect(parseProductionConfigText(fs.readFileSync(template, 'utf8'), template)).toEqual(loadProductionConfig(null));
  });

  it('when expected metrics are given then they are kept per strategy id', () => {
    const config = parseProductionConfigText('expected_metrics:\n  ema_trend: { sharpe: 1.2, max_drawdown: 12 }\n  "ema_trend@fast=9,slow=30": { ann_volatility: 20 }\n', FILE);
    expect(config.expected_metrics).toEqual({ ema_trend: { sharpe: 1.2, max_drawdown: 12 }, 'ema_trend@fast=9,slow=30': { ann_volatility: 20 } });
  });

  it.each([
    ['an unknown monitoring key', 'monitoring:\n  rolling_windw: 5\n', `${FILE}:2 monitoring.rolling_windw: unknown key (known keys: rolling_window,`],
    ['a wrong type', 'monitoring:\n  rolling_window: 20\n  min_days_for_drift: ten\n', `${FILE}:3 monitoring.min_days_for_drift:`],
    ['a positive drawdown threshold', 'monitoring:\n  max_drawdown_threshold: 15\n', `${FILE}:2 monitoring.max_drawdown_threshold:`],
    ['an emergency above the threshold', 'monitoring:\n  max_drawdown_threshold: -20\n  emergency_drawdown: -10\n', `${FILE}:3 monitoring.emergency_drawdown: must be at or below monitoring.max_drawdown_threshold (-20)`],
    ['expectations of an unknown strategy', 'expected_metrics:\n  moonshot: { sharpe: 1 }\n', `${FILE}:2 expected_metrics.moonshot: unknown strategy "moonshot"`],
    ['an unknown expectation key', 'expected_metrics:\n  ema_trend:\n    sharp: 1\n', `${FILE}:3 expected_metrics.ema_trend.sharp: unknown key (known keys: sharpe, ann_return, max_drawdown, ann_volatility)`],
    ['a negative expected max drawdown', 'expected_metrics:\n  ema_trend: { max_drawdown: -12 }\n', `${FILE}:2 expected_metrics.ema_trend.max_drawdown:`],
    ['a bad schedule', 'challenger_evolution_schedule: hourly\n', `${FILE}:1 challenger_evolution_schedule:`],
    ['a command that is a string', 'reevolution:\n  command: python3 opt.py\n', `${FILE}:2 reevolution.command:`],
    ['a champion key (the ledger holds the champion)', 'champion:\n  strategy_id: ema_trend\n', `${FILE}:1 champion: unknown key`],
  ])('when the file has %s then it fails naming file, line and key path', (_what, text, expected) => {
    expect(errorOf(text)).toContain(expected);
  });

  it('when the YAML does not parse then the error names the file and line', () => {
    expect(errorOf('monitoring:\n  rolling_window: [\n')).toMatch(new RegExp(`^${FILE}:\\d+ YAML syntax error`));
  });
});
