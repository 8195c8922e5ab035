const DAY_MS = 86_400_000;
const PERIOD_DAYS: Readonly<Record<string, number>> = { daily: 1, weekly: 7, monthly: 30 };

/**
 * reevolution.schedule ("" | weekly | monthly): a re-evolution request is due, drift or not,
 * once the last request of any kind is at least that old (or there never was one). Wall time:
 * schedules are the operator's calendar, not the market's.
 */
export function scheduledRequestDue(schedule: string, lastRequestedAt: string | null, at: string): boolean {
  const days = PERIOD_DAYS[schedule];
  if (days === undefined) return false;
  return lastRequestedAt === null || Date.parse(at) - Date.parse(lastRequestedAt) >= days * DAY_MS - 60_000;
}

/**
 * challenger_evolution_enabled / challenger_evolution_schedule (daily | weekly | monthly | manual):
 * whether the daemon may run an open re-evolution request by itself now (in the background),
 * at most once per period; "manual" leaves every run to `paperlive trigger-reevolution`.
 */
export function autoReevolutionDue(settings: { readonly challenger_evolution_enabled: boolean; readonly challenger_evolution_schedule: string }, openRequest: boolean, lastRunAt: string | null, at: string): boolean {
  if (!settings.challenger_evolution_enabled || !openRequest) return false;
  const days = PERIOD_DAYS[settings.challenger_evolution_schedule];
  if (days === undefined) return false;
  return lastRunAt === null || Date.parse(at) - Date.parse(lastRunAt) >= days * DAY_MS - 60_000;
}
