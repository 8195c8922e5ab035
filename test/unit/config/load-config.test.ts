import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../src/config/load-config.js';
import { configRules } from '../../../src/config/rules.js';
import { ConfigError } from '../../../src/model/errors.js';

const FILE = 'configs/paper_live.yaml';
const load = (text: string) => parseConfigText(text, FILE, configRules);

function errorOf(text: string): string {
  try {
    load(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('config loading', () => {
  it('when the file is empty then every built-in default of SPEC §10 applies', () => {
    const config = load('');
    expect(config).toMatchObject({
      mode: 'paper',
      status_interval_s: 30,
      heartbeat_interval_s: 30,
      control_dir: '.',
      feed: { source: 'ccxt', exchange: 'binance', symbols: ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'], timeframe: '1m', poll_interval_s: 30, stale_after_s: 180, ccxt_options: {}, replay: { data_dir: 'data/replay', speed: 60, from: null, to: null } },
      account: { currency: 'USDT', starting_balance: 10000 },
      execution: { slippage_bps: 5, fee_source: 'market' },
      risk: { risk_per_trade_pct: 0.5, max_open_positions: 3, max_portfolio_heat_pct: 6, max_multiplier: 2, daily_loss_limit_pct: 5 },
      strategies: { champion: 'ema_trend' },
      http: { enabled: false, host: '127.0.0.1', port: 8000 },
      reports: { daily_hour_utc: 0, weekly: true },
    });
    expect(config.strategies.on_promotion).toBe('handover');
  });

  it('when a nested key is given then its siblings keep their defaults', () => {
    const config = load('feed:\n  replay:\n    speed: max\n');
    expect(config.feed.replay).toEqual({ data_dir: 'data/replay', speed: 'max', from: null, to: null });
    expect(config.feed.source).toBe('ccxt');
  });

  it('when capital-preservation thresholds are given then they override the built-in ones and the rest stay', () => {
    const config = load('risk:\n  capital_preservation:\n    drawdown_pct: { caution: 2, crisis: null }\n    recovery_days: { lockdown: 5 }\n');
    expect(config.risk.capital_preservation).toEqual({ drawdown_pct: { caution: 2, crisis: null }, recovery_days: { lockdown: 5 } });
    expect(load('').risk.capital_preservation).toEqual({});
  });

  it('when loaded then the config is frozen', () => {
    const config = load('');
    expect(Object.isFrozen(config.feed.symbols)).toBe(true);
    expect(() => ((config.risk as { max_open_positions: number }).max_open_positions = 9)).toThrow();
  });

  it.each([
    ['an unknown top-level key', 'mode: paper\nstatus_intervl_s: 5\n', `${FILE}:2 status_intervl_s: unknown key`],
    ['an unknown nested key', 'feed:\n  source: replay\n  replay:\n    sped: 5\n', `${FILE}:4 feed.replay.sped: unknown key`],
    ['a wrong type', 'risk:\n  max_open_positions: three\n', `${FILE}:2 risk.max_open_positions:`],
    ['a fractional count', 'risk:\n  max_open_positions: 1.5\n', `${FILE}:2 risk.max_open_positions:`],
    ['an interval below 0.1', 'status_interval_s: 0.05\n', `${FILE}:1 status_interval_s:`],
    ['an interval above 3600', 'heartbeat_interval_s: 3601\n', `${FILE}:1 heartbeat_interval_s:`],
    ['a risk per trade above 5 %', 'risk:\n  risk_per_trade_pct: 7\n', `${FILE}:2 risk.risk_per_trade_pct:`],
    ['a zero risk per trade', 'risk:\n  risk_per_trade_pct: 0\n', `${FILE}:2 risk.risk_per_trade_pct:`],
    ['an unknown feed source', 'feed:\n  source: websocket\n', `${FILE}:2 feed.source:`],
    ['a malformed symbol', 'feed:\n  symbols: [BTC/USDT, ethusdt]\n', `${FILE}:2 feed.symbols.1:`],
    ['a repeated symbol', 'feed:\n  symbols: [BTC/USDT, BTC/USDT]\n', `${FILE}:2 feed.symbols:`],
    ['a bad timeframe', 'feed:\n  timeframe: 1minute\n', `${FILE}:2 feed.timeframe:`],
    ['a negative speed', 'feed:\n  replay:\n    speed: -5\n', `${FILE}:3 feed.replay.speed:`],
    ['a bad date', 'feed:\n  replay:\n    from: yesterday\n', `${FILE}:3 feed.replay.from:`],
    ['to before from', "feed:\n  replay:\n    from: '2023-04-02T00:00:00Z'\n    to: '2023-04-01T00:00:00Z'\n", `${FILE}:4 feed.replay.to: must be after`],
    ['a port out of range', 'http:\n  port: 70000\n', `${FILE}:2 http.port:`],
    ['a live mode', 'mode: live\n', `${FILE}:1 mode:`],
    ['an unknown champion', 'strategies:\n  champion: moonshot\n', `${FILE}:2 strategies.champion: unknown strategy "moonshot"`],
    ['params of an unknown strategy', 'strategies:\n  params:\n    moonshot: { x: 1 }\n', `${FILE}:3 strategies.params.moonshot:`],
    ['an unknown promotion policy', 'strategies:\n  on_promotion: keep\n', `${FILE}:2 strategies.on_promotion:`],
    ['a report hour past 23', 'reports:\n  daily_hour_utc: 24\n', `${FILE}:2 reports.daily_hour_utc:`],
    ['a list at the top level', '- a\n- b\n', `${FILE}:1 (top level): must be a mapping`],
    [
      'a capital-preservation ladder out of order',
      'risk:\n  capital_preservation:\n    drawdown_pct:\n      caution: 4\n      defensive: 3\n',
      `${FILE}:5 risk.capital_preservation.drawdown_pct.defensive: 3 must be above risk.capital_preservation.drawdown_pct.caution (4)`,
    ],
    [
      'a recovery band that could never be left',
      'risk:\n  capital_preservation:\n    recovery_drawdown_pct: { caution: 3 }\n',
      `${FILE}:3 risk.capital_preservation.recovery_drawdown_pct.caution: 3 must be below risk.capital_preservation.drawdown_pct.caution (3)`,
    ],
    ['an unknown capital-preservation measure', 'risk:\n  capital_preservation:\n    drawdown: { caution: 1 }\n', `${FILE}:3 risk.capital_preservation.drawdown: unknown key`],
  ])('when the file has %s then it fails naming file, line and key path', (_what, text, expected) => {
    expect(errorOf(text)).toContain(expected);
  });

  it('when the YAML does not parse then the error names the file and line', () => {
    expect(errorOf('feed:\n  source: replay\n   bad: [\n')).toMatch(new RegExp(`^${FILE}:\\d+ YAML syntax error`));
  });

  it('when a key is repeated then it is a syntax error, not a silent overwrite', () => {
    expect(errorOf('mode: paper\nmode: paper\n')).toContain('YAML syntax error');
  });

  it('when several keys are wrong then every one is reported', () => {
    const message = errorOf('status_interval_s: 0\nrisk:\n  max_open_positions: -1\n');
    expect(message.split('\n')).toHaveLength(2);
  });

  it('when an unknown key is reported then the known keys at that level are listed', () => {
    expect(errorOf('risk:\n  max_heat: 3\n')).toContain('known keys: risk_per_trade_pct, max_open_positions');
  });
});

describe('the bundled config files', () => {
  it.each(['configs/paper_live.yaml', 'configs/demo.yaml'])('when %s is loaded then it is valid, and the commented defaults equal the built-in ones', async (file) => {
    const { loadConfig } = await import('../../../src/config/load-config.js');
    const config = loadConfig(file, configRules);
    if (file.endsWith('paper_live.yaml')) expect(JSON.parse(JSON.stringify(config))).toEqual(JSON.parse(JSON.stringify(load(''))));
  });
});
