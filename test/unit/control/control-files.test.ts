import { describe, expect, it } from 'vitest';
import { controlKindOf, isOneShot } from '../../../src/control/control-files.js';

describe('controlKindOf', () => {
  it.each([
    ['EMERGENCY_STOP', 'EMERGENCY_STOP'],
    ['emergency_stop.txt', 'EMERGENCY_STOP'],
    ['Emergency_Stop.TXT', 'EMERGENCY_STOP'],
    ['PAUSE', 'PAUSE'],
    ['pause.txt', 'PAUSE'],
    ['PAUSE_TRADING', 'PAUSE'],
    ['Pause_Trading.Txt', 'PAUSE'],
    ['FLATTEN', 'FLATTEN'],
    ['flatten.txt', 'FLATTEN'],
    ['FLATTEN_ALL', 'FLATTEN'],
    ['flatten_all.TXT', 'FLATTEN'],
    ['ADJUST_RISK', 'ADJUST_RISK'],
    ['adjust_risk.txt', 'ADJUST_RISK'],
    ['SHUTDOWN', 'SHUTDOWN'],
    ['Shutdown.txt', 'SHUTDOWN'],
  ])('when the entry is %s then it is %s', (name, kind) => {
    expect(controlKindOf(name)).toBe(kind);
  });

  it.each([
    'ADJUST_RISK.rejected',
    'adjust_risk.REJECTED',
    'ADJUST_RISK.rejected.txt',
    'ADJUST_RISK.txt.rejected',
    '.ADJUST_RISK.swp',
    '.adjust_risk.txt.swp',
    'ADJUST_RISK~',
    'ADJUST_RISK.txt~',
    '#FLATTEN#',
    '.#PAUSE',
    '.FLATTEN.1234.tmp',
    'FLATTEN.tmp',
    'PAUSE.bak',
    'PAUSE.txt.txt',
    'PAUSED',
    'STOP',
    'EMERGENCY-STOP',
    ' PAUSE',
    'status.json',
    '',
  ])('when the entry is %j then it is not a control file', (name) => {
    expect(controlKindOf(name)).toBeNull();
  });

  it('when asked which kinds are one-shot then only PAUSE is a level', () => {
    expect(['EMERGENCY_STOP', 'PAUSE', 'FLATTEN', 'ADJUST_RISK', 'SHUTDOWN'].filter((k) => !isOneShot(k as never))).toEqual(['PAUSE']);
  });
});
