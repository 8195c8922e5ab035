import { ConfigError } from '../model/errors.js';
import type { EntryRules, GateSettings } from './gate-settings.js';

export const TURNOVER_ENV = {
  MIN_RATIO: 'PAPER_LIVE_TURNOVER_MIN_RATIO',
  MAX_DAILY: 'PAPER_LIVE_TURNOVER_MAX_DAILY',
} as const;

export interface TurnoverOverrides {
  /** The gate settings in force: config with the environment's overrides applied. */
  readonly settings: GateSettings;
  /** One line for the start log, beginning "Paper-live turnover overrides: ". */
  readonly description: string;
}

/**
 * Applies the paper-live turnover overrides of reference 002 to the configured gate:
 * `PAPER_LIVE_TURNOVER_MIN_RATIO` (a number ≥ 0) replaces `min_ev_cost_ratio` and
 * `PAPER_LIVE_TURNOVER_MAX_DAILY` (a whole number ≥ 1) replaces `max_entries_per_day`, for
 * every symbol, per-symbol rules included: an override is the operator's word for the whole
 * account, which is how the readiness check's "relax or tighten the turnover governor" is
 * acted on. Unset or empty means no override. Anything else is a ConfigError naming the
 * variable, so the daemon does not start on a typo. Pure: the caller passes the environment.
 */
export function applyTurnoverOverrides(settings: GateSettings, env: Readonly<Record<string, string | undefined>>): TurnoverOverrides {
  const minRatio = readNumber(env, TURNOVER_ENV.MIN_RATIO, /^(\d+(\.\d*)?|\.\d+)$/, (v) => v <= 1_000, 'a number of times the cost estimate, 0 to 1000 (e.g. 2.5)');
  const maxDaily = readNumber(env, TURNOVER_ENV.MAX_DAILY, /^\d+$/, (v) => v >= 1 && v <= 100_000, 'a whole number of entries per symbol per day, 1 or more (e.g. 8)');
  const replaced: Partial<EntryRules> = {
    ...(minRatio === null ? {} : { min_ev_cost_ratio: minRatio }),
    ...(maxDaily === null ? {} : { max_entries_per_day: maxDaily }),
  };
  const effective: GateSettings = {
    ...settings,
    ...replaced,
    per_symbol: Object.fromEntries(Object.entries(settings.per_symbol).map(([symbol, rules]) => [symbol, { ...rules, ...replaced }])),
  };
  const applied = [
    minRatio === null ? null : `${TURNOVER_ENV.MIN_RATIO}=${minRatio}`,
    maxDaily === null ? null : `${TURNOVER_ENV.MAX_DAILY}=${maxDaily}`,
  ].filter((part): part is string => part !== null);
  const description = `Paper-live turnover overrides: ${applied.length > 0 ? `${applied.join(' ')} (every symbol)` : 'none'}; in force: ${describeKey(effective, 'min_ev_cost_ratio', (v) => `${v}x cost`)}, ${describeKey(effective, 'max_entries_per_day', (v) => (v === null ? 'unlimited' : String(v)))}`;
  return { settings: effective, description };
}

function readNumber(env: Readonly<Record<string, string | undefined>>, name: string, pattern: RegExp, inRange: (value: number) => boolean, expected: string): number | null {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return null;
  const text = raw.trim();
  const value = Number(text);
  if (!pattern.test(text) || !Number.isFinite(value) || !inRange(value)) {
    throw new ConfigError(`environment variable ${name} must be ${expected}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** "min_ev_cost_ratio 1x cost (BTC/USDT 2x cost)": the default and every symbol that differs. */
function describeKey<K extends 'min_ev_cost_ratio' | 'max_entries_per_day'>(settings: GateSettings, key: K, show: (value: EntryRules[K]) => string): string {
  const differing = Object.entries(settings.per_symbol)
    .filter(([, rules]) => rules[key] !== undefined && rules[key] !== settings[key])
    .map(([symbol, rules]) => `${symbol} ${show(rules[key] as EntryRules[K])}`);
  return `${key} ${show(settings[key])}${differing.length > 0 ? ` (${differing.join(', ')})` : ''}`;
}
