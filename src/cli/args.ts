import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../model/errors.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

const NEGATIVE = /^-\d|^-\.\d/;
const NEGATIVE_MARK = '\u0000';

/** Options every command takes. */
export const COMMON_OPTIONS = {
  home: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpec;

/**
 * node:util parseArgs with two fixes operators need: a negative number is a value, not a flag
 * (`--daily-return -1.5`), and every error is one UsageError sentence naming the argument.
 */
export function parseCommandArgs<T extends OptionSpec>(command: string, argv: readonly string[], options: T, allowPositionals = 0) {
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    const next = argv[i + 1];
    const name = token.startsWith('--') ? token.slice(2) : null;
    if (name && !name.includes('=') && options[name]?.type === 'string' && next !== undefined && NEGATIVE.test(next)) {
      joined.push(`${token}=${next}`);
      i++;
    } else if (NEGATIVE.test(token)) {
      joined.push(`${NEGATIVE_MARK}${token}`); // a value such as `risk -1`, not a flag
    } else {
      joined.push(token);
    }
  }
  try {
    const parsed = parseArgs({ args: joined, options, allowPositionals: allowPositionals > 0, strict: true });
    parsed.positionals = parsed.positionals.map((p) => (p.startsWith(NEGATIVE_MARK) ? p.slice(NEGATIVE_MARK.length) : p));
    if (parsed.positionals.length > allowPositionals) throw new UsageError(`paperlive ${command}: unexpected argument "${parsed.positionals[allowPositionals]}"`);
    return parsed;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`paperlive ${command}: ${(error as Error).message.split('\n')[0]} (see paperlive ${command} --help)`);
  }
}

export function parseNumberOption(command: string, flag: string, value: string, check: (n: number) => boolean, expected: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || !check(n)) throw new UsageError(`paperlive ${command}: --${flag} "${value}" is not ${expected}`);
  return n;
}

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * An ISO 8601 date or date-time as epoch ms. Without a zone it is UTC, the market's clock
 * (never the machine's local time), and a date that does not exist (2023-02-30) is refused.
 */
export function parseIsoOption(command: string, flag: string, value: string): number {
  const match = ISO_INSTANT.exec(value.trim());
  const [, year, month, day, hour = '0', minute = '0', second = '0', zone] = match ?? [];
  const calendar = match ? new Date(Date.UTC(Number(year), Number(month) - 1, Number(day))) : null;
  const exists =
    calendar !== null &&
    calendar.getUTCFullYear() === Number(year) &&
    calendar.getUTCMonth() === Number(month) - 1 &&
    calendar.getUTCDate() === Number(day) &&
    Number(hour) <= 23 &&
    Number(minute) <= 59 &&
    Number(second) <= 59;
  // Date.parse reads a date alone as UTC but a date-time without a zone as local time.
  const text = value.trim().replace(' ', 'T');
  const ms = exists ? Date.parse(zone === undefined && text.includes('T') ? `${text}Z` : text) : NaN;
  if (Number.isNaN(ms)) throw new UsageError(`paperlive ${command}: --${flag} "${value}" is not an ISO date such as 2023-04-01 or 2023-04-01T12:00:00Z (a time without a zone is UTC)`);
  return ms;
}
