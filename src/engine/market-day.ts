/** The UTC calendar day (YYYY-MM-DD) of a market time in ms. */
export function utcDay(ts: number): string {
  return new Date(ts).toISOString().slice(0, 10);
}

/** Start of the UTC day containing `ts`, in ms. */
export function utcDayStart(ts: number): number {
  return ts - (((ts % 86_400_000) + 86_400_000) % 86_400_000);
}
