import { describe, expect, it } from 'vitest';
import { liveModeSettings, liveModeStartupCheck } from '../../../src/readiness/live-mode.js';

const verdict = (live: string, reasons: string[] = []) => ({ live_rollout_readiness: live, live_rollout_reasons: reasons });

describe('liveModeStartupCheck', () => {
  it.each<[string, Record<string, string>, string, boolean]>([
    ['LIVE_MODE unset, NO_GO', {}, 'NO_GO', false],
    ['LIVE_MODE=false, NO_GO', { LIVE_MODE: 'false' }, 'NO_GO', false],
    ['LIVE_MODE=true, GO', { LIVE_MODE: 'true' }, 'GO', false],
    ['LIVE_MODE=true, CONDITIONAL', { LIVE_MODE: 'true' }, 'CONDITIONAL', true],
    ['LIVE_MODE=true, NO_GO', { LIVE_MODE: 'true' }, 'NO_GO', true],
    ['LIVE_MODE=1, NO_GO', { LIVE_MODE: '1' }, 'NO_GO', true],
  ])('when %s then CRITICAL and kill switch: %s', (_, env, live, expected) => {
    const result = liveModeStartupCheck(env, verdict(live, ['Kill switch is active']));
    expect(result.activateKillSwitch).toBe(expected);
    expect(result.critical !== null).toBe(expected);
  });

  it('when it refuses then the CRITICAL line names the verdict and its reasons and says paper trading continues', () => {
    const { critical } = liveModeStartupCheck({ LIVE_MODE: 'true' }, verdict('NO_GO', ['Kill switch is active', 'Human sign-off not recorded']));
    expect(critical).toContain('live_rollout_readiness is NO_GO (Kill switch is active; Human sign-off not recorded)');
    expect(critical).toContain('paper trading continues');
  });
});

describe('liveModeSettings', () => {
  it.each<[string | undefined, string[]]>([
    [undefined, []],
    ['', []],
    [' , ', []],
    ['ETH/USDT', ['ETH/USDT']],
    ['ETH/USDT, BTC/USDT ,', ['ETH/USDT', 'BTC/USDT']],
  ])('when LIVE_SYMBOL_ALLOWLIST is %j then the allowlist is %j', (value, expected) => {
    expect(liveModeSettings(value === undefined ? {} : { LIVE_SYMBOL_ALLOWLIST: value }).allowlist).toEqual(expected);
  });
});
