import { describe, expect, it } from 'vitest';
import { isoWeekLabel, isoWeekOf, isoWeekStart, isoWeeksBetween, previousIsoWeek, weeksInIsoYear } from '../../../../src/reports/weekly/iso-week.js';

describe('ISO weeks', () => {
  it.each([
    ['2023-03-20T00:00:00Z', '2023-W12'],
    ['2023-03-26T23:59:59Z', '2023-W12'],
    ['2023-03-27T00:00:00Z', '2023-W13'],
    ['2021-01-03T12:00:00Z', '2020-W53'],
    ['2024-12-30T00:00:00Z', '2025-W01'],
    ['2026-01-01T00:00:00Z', '2026-W01'],
    ['2027-01-01T00:00:00Z', '2026-W53'],
  ])('when the instant is %s then its week is %s', (instant, label) => {
    expect(isoWeekLabel(isoWeekOf(Date.parse(instant)))).toBe(label);
  });

  it.each([
    [2020, 53],
    [2021, 52],
    [2023, 52],
    [2026, 53],
  ])('when the year is %i then it has %i ISO weeks', (year, weeks) => {
    expect(weeksInIsoYear(year)).toBe(weeks);
  });

  it('when a week starts then it is a Monday 00:00 UTC and every instant of it maps back to it', () => {
    for (const week of [{ year: 2023, week: 12 }, { year: 2020, week: 53 }, { year: 2025, week: 1 }]) {
      const start = isoWeekStart(week);
      expect(new Date(start).getUTCDay()).toBe(1);
      expect(start % 86_400_000).toBe(0);
      expect(isoWeekOf(start)).toEqual(week);
      expect(isoWeekOf(start + 7 * 86_400_000 - 1)).toEqual(week);
    }
  });

  it('when stepping back from week 1 then the previous week is the last of the year before', () => {
    expect(previousIsoWeek({ year: 2021, week: 1 })).toEqual({ year: 2020, week: 53 });
    expect(isoWeeksBetween({ year: 2020, week: 52 }, { year: 2021, week: 2 })).toBe(3);
  });
});
