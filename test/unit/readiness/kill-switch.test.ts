import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { activateKillSwitch, killSwitchActive, killSwitchState } from '../../../src/readiness/kill-switch.js';

function paths() {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'paperlive-kill-'));
  return { killSwitch: path.join(home, 'data', 'live_kill_switch.txt') };
}

describe('kill switch', () => {
  it('when neither the file nor the variable is there then it is off', () => {
    expect(killSwitchState(paths(), {})).toEqual({ active: false, file: false, env: false });
  });

  it('when data/live_kill_switch.txt exists, even empty, then it is on', () => {
    const p = paths();
    fs.mkdirSync(path.dirname(p.killSwitch), { recursive: true });
    fs.writeFileSync(p.killSwitch, '');
    expect(killSwitchState(p, {})).toEqual({ active: true, file: true, env: false });
  });

  it.each([['1'], ['true'], ['TRUE'], ['yes'], ['on'], ['please stop']])('when LIVE_KILL_SWITCH=%s then it is on', (value) => {
    expect(killSwitchActive(paths(), { LIVE_KILL_SWITCH: value })).toBe(true);
  });

  it.each([[''], ['0'], ['false'], ['False'], ['no'], ['off'], [' 0 ']])('when LIVE_KILL_SWITCH="%s" then it is off', (value) => {
    expect(killSwitchActive(paths(), { LIVE_KILL_SWITCH: value })).toBe(false);
  });

  it('when activated then the file says when and why, and a second activation keeps the first reason', () => {
    const p = paths();
    expect(activateKillSwitch(p, 'LIVE_MODE=true but readiness is NO_GO', Date.UTC(2026, 2, 1))).toBe(true);
    expect(activateKillSwitch(p, 'something else', Date.UTC(2026, 2, 2))).toBe(false);
    const text = fs.readFileSync(p.killSwitch, 'utf8');
    expect(text).toContain('2026-03-01T00:00:00.000Z LIVE_MODE=true but readiness is NO_GO');
    expect(text).not.toContain('something else');
    expect(killSwitchActive(p, {})).toBe(true);
  });
});
