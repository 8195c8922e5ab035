import { describe, expect, it } from 'vitest';
import { parseIsoOption } from '../../../src/cli/args.js';
import { UsageError } from '../../../src/model/errors.js';

describe('parseIsoOption: --from and --to', () => {
  it.each([
    ['2023-04-01', '2023-04-01T00:00:00.000Z'],
    ['2023-04-01T12:00:00Z', '2023-04-01T12:00:00.000Z'],
    ['2023-04-01T12:00:00+02:00', '2023-04-01T10:00:00.000Z'],
    ['2023-04-01T12:30', '2023-04-01T12:30:00.000Z'],
    ['2023-04-01 12:30:15', '2023-04-01T12:30:15.000Z'],
    ['2023-04-01T12:00:00.250Z', '2023-04-01T12:00:00.250Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
  ])('when given %s then it is %s', (value, iso) => {
    expect(new Date(parseIsoOption('backtest', 'from', value)).toISOString()).toBe(iso);
  });

  it('when a time has no zone then it is UTC whatever the machine\'s time zone', () => {
    const previous = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      expect(parseIsoOption('backtest', 'from', '2023-04-01T12:00:00')).toBe(Date.parse('2023-04-01T12:00:00Z'));
    } finally {
      if (previous === undefined) delete process.env.TZ;
      else process.env.TZ = previous;
    }
  });

  it.each(['2023-02-30', '2023-13-01', '2023-04-01T24:00', '2023-04-01T12:60', 'soon', '1680307200000', '2023-4-1'])('when given %s then it is refused with one sentence naming the flag', (value) => {
    expect(() => parseIsoOption('backtest', 'to', value)).toThrow(UsageError);
    expect(() => parseIsoOption('backtest', 'to', value)).toThrow(`--to "${value}" is not an ISO date`);
  });
});
