/**
 * The entry rules of one symbol: how good a signal must be and how often the symbol may be
 * entered. Reference 002's turnover table, in config units (`gate:` in paper_live.yaml).
 */
export interface EntryRules {
  /** A signal's `confidence` must be at least this (0 … 1). */
  readonly min_confidence: number;
  /** A signal's `expected_value_pct` must be at least this many times its `cost_estimate_pct`. */
  readonly min_ev_cost_ratio: number;
  /** Market seconds from one entry fill to the next on the symbol. */
  readonly min_interval_s: number;
  /** Entries per symbol per UTC market day; null = unlimited. */
  readonly max_entries_per_day: number | null;
  /** Consecutive losing trades on the symbol that start a cooldown. */
  readonly loss_streak: number;
  /** Market seconds after the losing trade that completed (or extended) the streak. */
  readonly loss_cooldown_s: number;
}

/** Defaults for every symbol, and per-symbol overrides of any of them. */
export interface GateSettings extends EntryRules {
  readonly per_symbol: Readonly<Record<string, Partial<EntryRules>>>;
}

/**
 * Built-in defaults, from reference 002's table ("Current BTC-Specific Rules"): BTC showed
 * its edge collapse under realistic friction, so it needs twice the expected value, more
 * confidence, fewer and further-apart entries and a longer cooldown. config/schema.ts holds
 * the same values as the config defaults (a test keeps them equal).
 */
export const DEFAULT_GATE_SETTINGS: GateSettings = {
  min_confidence: 0.6,
  min_ev_cost_ratio: 1,
  min_interval_s: 3_600,
  max_entries_per_day: null,
  loss_streak: 2,
  loss_cooldown_s: 7_200,
  per_symbol: {
    'BTC/USDT': { min_confidence: 0.75, min_ev_cost_ratio: 2, min_interval_s: 14_400, max_entries_per_day: 3, loss_cooldown_s: 21_600 },
  },
};

/** The rules in force for one symbol: its overrides over the defaults. */
export function entryRulesFor(settings: GateSettings, symbol: string): EntryRules {
  const own = settings.per_symbol[symbol] ?? {};
  const pick = <K extends keyof EntryRules>(key: K): EntryRules[K] => (own[key] !== undefined ? (own[key] as EntryRules[K]) : settings[key]);
  return {
    min_confidence: pick('min_confidence'),
    min_ev_cost_ratio: pick('min_ev_cost_ratio'),
    min_interval_s: pick('min_interval_s'),
    max_entries_per_day: pick('max_entries_per_day'),
    loss_streak: pick('loss_streak'),
    loss_cooldown_s: pick('loss_cooldown_s'),
  };
}
