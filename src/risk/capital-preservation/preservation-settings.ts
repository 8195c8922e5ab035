import { ConfigError } from '../../model/errors.js';

/** Where a measure starts each level; null: this measure never triggers that level. */
export interface LevelThresholds {
  readonly caution: number | null;
  readonly defensive: number | null;
  readonly lockdown: number | null;
  readonly crisis: number | null;
}

export interface PreservationSettings {
  /** Fall of equity from its peak, in percent of the peak. */
  readonly drawdown_pct: LevelThresholds;
  /** Today's loss, in percent of the equity at the start of the market day (UTC). */
  readonly daily_loss_pct: LevelThresholds;
  /** Losing trades in a row. */
  readonly loss_streak: LevelThresholds;
  /** Whole calm market days needed at a level before it steps down one. */
  readonly recovery_days: { readonly caution: number; readonly defensive: number; readonly lockdown: number; readonly crisis: number };
  /**
   * While trading at reduced size (CAUTION, DEFENSIVE), a calm day also keeps equity within this
   * percentage of its peak. LOCKDOWN and CRISIS take no new entries, so equity cannot recover
   * there: their calm days are days without a new loss, and time heals.
   */
  readonly recovery_drawdown_pct: { readonly caution: number; readonly defensive: number };
}

/**
 * Reference 002 names the levels and the rules (automatic recovery, never a manual override)
 * but no numbers; these are ours (docs/readiness.md). The drawdown ladder puts DEFENSIVE at the
 * promotion gate's 5 % limit; daily-loss LOCKDOWN comes before the gate's 5 % daily loss limit,
 * and CRISIS beyond it means the stops failed (a gap) and the account must be flat.
 */
export const DEFAULT_PRESERVATION_SETTINGS: PreservationSettings = {
  drawdown_pct: { caution: 3, defensive: 5, lockdown: 8, crisis: 12 },
  daily_loss_pct: { caution: 2, defensive: 3, lockdown: 4, crisis: 6 },
  loss_streak: { caution: 3, defensive: 5, lockdown: 7, crisis: null },
  recovery_days: { caution: 2, defensive: 3, lockdown: 3, crisis: 5 },
  recovery_drawdown_pct: { caution: 1.5, defensive: 2.5 },
};

export interface PreservationOverrides {
  readonly drawdown_pct?: Partial<LevelThresholds>;
  readonly daily_loss_pct?: Partial<LevelThresholds>;
  readonly loss_streak?: Partial<LevelThresholds>;
  readonly recovery_days?: Partial<PreservationSettings['recovery_days']>;
  readonly recovery_drawdown_pct?: Partial<PreservationSettings['recovery_drawdown_pct']>;
}

const KEY = 'risk.capital_preservation';
const ORDER = ['caution', 'defensive', 'lockdown', 'crisis'] as const;

/** One thing wrong with the overrides: the key under `risk.capital_preservation`, its value, and the rule it breaks. */
export interface PreservationIssue {
  readonly path: readonly string[];
  readonly value: string;
  readonly rule: string;
}

/** `risk.capital_preservation.drawdown_pct.defensive (2) must be above …`. */
export function describePreservationIssue(issue: PreservationIssue): string {
  return `${KEY}.${issue.path.join('.')} (${issue.value}) ${issue.rule}`;
}

/** The defaults with `overrides` applied. */
export function mergePreservationSettings(overrides: PreservationOverrides = {}): PreservationSettings {
  const d = DEFAULT_PRESERVATION_SETTINGS;
  return {
    drawdown_pct: { ...d.drawdown_pct, ...overrides.drawdown_pct },
    daily_loss_pct: { ...d.daily_loss_pct, ...overrides.daily_loss_pct },
    loss_streak: { ...d.loss_streak, ...overrides.loss_streak },
    recovery_days: { ...d.recovery_days, ...overrides.recovery_days },
    recovery_drawdown_pct: { ...d.recovery_drawdown_pct, ...overrides.recovery_drawdown_pct },
  };
}

/**
 * What is wrong with the settings `overrides` make: each ladder must rise from CAUTION to
 * CRISIS, recovery takes whole days, and a recovery drawdown must sit below the drawdown that
 * starts its level, or the level could never be left. Empty when they are usable.
 */
export function preservationIssues(overrides: PreservationOverrides = {}): PreservationIssue[] {
  const settings = mergePreservationSettings(overrides);
  const issues: PreservationIssue[] = [
    ...ladderIssues('drawdown_pct', settings.drawdown_pct, (v) => v > 0 && v < 100, 'a percentage above 0 and below 100'),
    ...ladderIssues('daily_loss_pct', settings.daily_loss_pct, (v) => v > 0 && v < 100, 'a percentage above 0 and below 100'),
    ...ladderIssues('loss_streak', settings.loss_streak, (v) => Number.isInteger(v) && v >= 1, 'a whole number of losses, at least 1'),
  ];
  for (const level of ORDER) {
    const days = settings.recovery_days[level];
    if (!Number.isInteger(days) || days < 1) issues.push({ path: ['recovery_days', level], value: String(days), rule: 'must be a whole number of days, at least 1' });
  }
  const { caution, defensive } = settings.recovery_drawdown_pct;
  for (const [name, value, trigger] of [['caution', caution, settings.drawdown_pct.caution], ['defensive', defensive, settings.drawdown_pct.defensive]] as const) {
    const path = ['recovery_drawdown_pct', name];
    if (!(value >= 0)) issues.push({ path, value: String(value), rule: 'must be a percentage, 0 or more' });
    else if (trigger !== null && value >= trigger) issues.push({ path, value: String(value), rule: `must be below ${KEY}.drawdown_pct.${name} (${trigger}), or the level could never be left` });
  }
  if (caution > defensive) issues.push({ path: ['recovery_drawdown_pct', 'caution'], value: String(caution), rule: `must not exceed ${KEY}.recovery_drawdown_pct.defensive (${defensive})` });
  return issues;
}

/** The defaults with `overrides` applied, checked; a ConfigError names the first wrong key. */
export function preservationSettings(overrides: PreservationOverrides = {}): PreservationSettings {
  const [first] = preservationIssues(overrides);
  if (first) throw new ConfigError(describePreservationIssue(first));
  return mergePreservationSettings(overrides);
}

function ladderIssues(name: string, ladder: LevelThresholds, valid: (v: number) => boolean, expected: string): PreservationIssue[] {
  const issues: PreservationIssue[] = [];
  let previous: { level: string; value: number } | null = null;
  for (const level of ORDER) {
    const value = ladder[level];
    if (value === null) continue;
    if (typeof value !== 'number' || !valid(value)) {
      issues.push({ path: [name, level], value: String(value), rule: `must be ${expected}, or null` });
      continue;
    }
    if (previous && value <= previous.value) issues.push({ path: [name, level], value: String(value), rule: `must be above ${KEY}.${name}.${previous.level} (${previous.value})` });
    previous = { level, value };
  }
  return issues;
}
