/** ISO 8601 weeks (Monday to Sunday, UTC; week 1 holds the year's first Thursday), as the weekly report names them. */
export interface IsoWeek {
  /** The ISO week-year, which near 1 January can differ from the calendar year. */
  readonly year: number;
  readonly week: number;
}

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

/** The ISO week containing a UTC instant (ms). */
export function isoWeekOf(ms: number): IsoWeek {
  const dayStart = ms - (((ms % DAY_MS) + DAY_MS) % DAY_MS);
  const weekday = (new Date(dayStart).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const thursday = dayStart + (3 - weekday) * DAY_MS;
  const year = new Date(thursday).getUTCFullYear();
  return { year, week: Math.floor((thursday - Date.UTC(year, 0, 1)) / WEEK_MS) + 1 };
}

/** Monday 00:00 UTC of the ISO week, in ms. */
export function isoWeekStart({ year, week }: IsoWeek): number {
  const jan4 = Date.UTC(year, 0, 4);
  const mondayOfWeek1 = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY_MS;
  return mondayOfWeek1 + (week - 1) * WEEK_MS;
}

/** 52 or 53. */
export function weeksInIsoYear(year: number): number {
  return isoWeekOf(Date.UTC(year, 11, 28)).week;
}

/** "2023-W12". */
export function isoWeekLabel({ year, week }: IsoWeek): string {
  return `${year}-W${String(week).padStart(2, '0')}`;
}

export function previousIsoWeek(week: IsoWeek): IsoWeek {
  return isoWeekOf(isoWeekStart(week) - DAY_MS);
}

/** Whole ISO weeks from `a` to `b` (b − a), by their Mondays. */
export function isoWeeksBetween(a: IsoWeek, b: IsoWeek): number {
  return Math.round((isoWeekStart(b) - isoWeekStart(a)) / WEEK_MS);
}

export const ISO_WEEK_MS = WEEK_MS;
