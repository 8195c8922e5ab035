const FALSE_WORDS = new Set(['', '0', 'false', 'no', 'off']);

/**
 * An environment switch is on when set to anything but an empty string or 0/false/no/off
 * (any case): for a safety switch, an unexpected value must count as on.
 */
export function envFlag(value: string | undefined): boolean {
  return value !== undefined && !FALSE_WORDS.has(value.trim().toLowerCase());
}
