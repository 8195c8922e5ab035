import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/model/errors.js';
import { DEFAULT_PRESERVATION_SETTINGS, preservationSettings, type PreservationOverrides } from '../../../src/risk/capital-preservation/preservation-settings.js';

describe('preservationSettings', () => {
  it('when nothing is overridden then the documented defaults apply', () => {
    expect(preservationSettings()).toEqual(DEFAULT_PRESERVATION_SETTINGS);
    expect(DEFAULT_PRESERVATION_SETTINGS).toMatchObject({
      drawdown_pct: { caution: 3, defensive: 5, lockdown: 8, crisis: 12 },
      daily_loss_pct: { caution: 2, defensive: 3, lockdown: 4, crisis: 6 },
      loss_streak: { caution: 3, defensive: 5, lockdown: 7, crisis: null },
      recovery_days: { caution: 2, defensive: 3, lockdown: 3, crisis: 5 },
      recovery_drawdown_pct: { caution: 1.5, defensive: 2.5 },
    });
  });

  it('when one threshold is overridden then the others keep their defaults', () => {
    expect(preservationSettings({ drawdown_pct: { crisis: 15 } }).drawdown_pct).toEqual({ caution: 3, defensive: 5, lockdown: 8, crisis: 15 });
  });

  it.each<[string, PreservationOverrides, string]>([
    ['a ladder out of order', { drawdown_pct: { defensive: 2 } }, 'risk.capital_preservation.drawdown_pct.defensive (2) must be above risk.capital_preservation.drawdown_pct.caution (3)'],
    ['a negative percentage', { daily_loss_pct: { caution: -1 } }, 'risk.capital_preservation.daily_loss_pct.caution (-1) must be a percentage above 0 and below 100, or null'],
    ['a fractional streak', { loss_streak: { caution: 2.5 } }, 'risk.capital_preservation.loss_streak.caution (2.5) must be a whole number of losses, at least 1, or null'],
    ['zero recovery days', { recovery_days: { lockdown: 0 } }, 'risk.capital_preservation.recovery_days.lockdown (0) must be a whole number of days, at least 1'],
    ['a recovery band at the trigger', { recovery_drawdown_pct: { caution: 3 } }, 'risk.capital_preservation.recovery_drawdown_pct.caution (3) must be below risk.capital_preservation.drawdown_pct.caution (3), or the level could never be left'],
    ['bands the wrong way round', { recovery_drawdown_pct: { caution: 2.4, defensive: 2 } }, 'risk.capital_preservation.recovery_drawdown_pct.caution (2.4) must not exceed risk.capital_preservation.recovery_drawdown_pct.defensive (2)'],
  ])('when given %s then a ConfigError names the key', (_, overrides, message) => {
    expect(() => preservationSettings(overrides)).toThrow(ConfigError);
    expect(() => preservationSettings(overrides)).toThrow(message);
  });

  it('when a level is disabled with null then the ladder skips it', () => {
    expect(preservationSettings({ daily_loss_pct: { defensive: null } }).daily_loss_pct.defensive).toBeNull();
  });
});
