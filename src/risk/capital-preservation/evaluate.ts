import type { StoredPreservationState, StoredPreservationTransition } from '../../ports/safety-store.js';
import { LEVEL_POLICY, LEVELS, PreservationLevel, severity } from './levels.js';
import type { LevelThresholds, PreservationSettings } from './preservation-settings.js';
import { BREACH_OF, nextLevel, PreservationTrigger } from './transitions.js';

export interface PreservationState extends StoredPreservationState {
  readonly level: PreservationLevel;
}

export const INITIAL_PRESERVATION_STATE: PreservationState = {
  level: PreservationLevel.NORMAL,
  level_since: null,
  peak_equity: null,
  streak_base: 0,
  day_start: null,
  day_calm: false,
  day_start_streak: 0,
  loss_streak: 0,
  calm_days: 0,
  market_time: null,
};

/** What the engine knows after a batch, all in market time. */
export interface PreservationObservation {
  /** Market time (ms) of the batch. */
  readonly at: number;
  readonly equity: number;
  /** Equity minus equity at the start of the market day. */
  readonly dailyPnl: number;
  /** Losing closed trades in a row. */
  readonly lossStreak: number;
}

export interface PreservationTransition extends StoredPreservationTransition {
  readonly from: PreservationLevel;
  readonly to: PreservationLevel;
  readonly trigger: PreservationTrigger;
}

/** What the daemon must do at the resulting level. `flatten` holds for as long as the level is CRISIS. */
export interface PreservationActions {
  readonly flatten: boolean;
  readonly halt: boolean;
  readonly block_entries: boolean;
  readonly risk_factor: number;
}

export interface PreservationEvaluation {
  readonly state: PreservationState;
  readonly transition: PreservationTransition | null;
  readonly actions: PreservationActions;
}

export interface PreservationMeasures {
  readonly drawdown_pct: number;
  readonly daily_loss_pct: number;
  /** The loss streak above `streak_base`. */
  readonly loss_streak: number;
}

const DAY_MS = 86_400_000;
const T = PreservationTrigger;

export function actionsFor(level: PreservationLevel): PreservationActions {
  const policy = LEVEL_POLICY[level];
  return { flatten: policy.flatten, halt: policy.halt, block_entries: policy.blockEntries, risk_factor: policy.riskFactor };
}

/**
 * One step of the state machine, pure: the measures of `observation` against `settings`, then at
 * most one transition from TRANSITION_TABLE. A breach above the current level escalates at once;
 * recovery steps down one level on the first observation of a market day when the previous
 * `recovery_days` whole days at this level were calm and this observation is calm too. Stepping
 * down rebases the peak and the loss streak to the present, so the new level measures new losses.
 */
export function evaluate(state: PreservationState, observation: PreservationObservation, settings: PreservationSettings): PreservationEvaluation {
  const { at, equity, lossStreak } = observation;
  const peak = Math.max(state.peak_equity ?? equity, equity);
  const streakBase = lossStreak < state.streak_base ? 0 : state.streak_base;
  const measures = measure(peak, streakBase, observation);

  const dayStart = at - (((at % DAY_MS) + DAY_MS) % DAY_MS);
  const rolled = state.day_start !== null && dayStart > state.day_start;
  const sameDay = state.day_start === dayStart;
  const calmDays = rolled ? (state.day_calm ? state.calm_days + 1 : 0) : state.calm_days;
  const dayStartStreak = sameDay ? state.day_start_streak : state.loss_streak;
  // A day only counts when every observation of it was calm; a day seen from its middle never does.
  const dayCalmSoFar = rolled ? true : sameDay ? state.day_calm : false;
  const base = stateWith(state, {
    peak_equity: peak,
    streak_base: streakBase,
    day_start: dayStart,
    day_start_streak: dayStartStreak,
    loss_streak: lossStreak,
    calm_days: calmDays,
    market_time: at,
  });

  const breach = breachOf(measures, settings);
  if (breach && severity(breach.level) > severity(state.level)) {
    const to = nextLevel(state.level, BREACH_OF[breach.level])!;
    const next = stateWith(base, { level: to, level_since: at, calm_days: 0, day_calm: false });
    return { state: next, transition: transitionRecord(state.level, to, BREACH_OF[breach.level], breach.reason, observation, peak, measures), actions: actionsFor(to) };
  }

  const calm = isCalm(state.level, measures, lossStreak, dayStartStreak, settings);
  const required = recoveryDays(state.level, settings);
  if (rolled && required !== null && calmDays >= required && calm) {
    const to = nextLevel(state.level, T.RECOVERED)!;
    const next = stateWith(base, { level: to, level_since: at, peak_equity: equity, streak_base: lossStreak, calm_days: 0, day_calm: true });
    const reason = `${calmDays} calm market day(s) at ${state.level} (${calmRule(state.level, settings)})`;
    return { state: next, transition: transitionRecord(state.level, to, T.RECOVERED, reason, observation, peak, measures), actions: actionsFor(to) };
  }
  return { state: stateWith(base, { day_calm: dayCalmSoFar && calm }), transition: null, actions: actionsFor(state.level) };
}

/**
 * `state` with `changes`, written field by field: `{ ...state, ...changes }` takes a slow path
 * in V8 (about a microsecond here), and the daemon evaluates after every batch.
 */
function stateWith(state: PreservationState, changes: Partial<PreservationState>): PreservationState {
  return {
    level: changes.level ?? state.level,
    level_since: changes.level_since !== undefined ? changes.level_since : state.level_since,
    peak_equity: changes.peak_equity !== undefined ? changes.peak_equity : state.peak_equity,
    streak_base: changes.streak_base ?? state.streak_base,
    day_start: changes.day_start !== undefined ? changes.day_start : state.day_start,
    day_calm: changes.day_calm ?? state.day_calm,
    day_start_streak: changes.day_start_streak ?? state.day_start_streak,
    loss_streak: changes.loss_streak ?? state.loss_streak,
    calm_days: changes.calm_days ?? state.calm_days,
    market_time: changes.market_time !== undefined ? changes.market_time : state.market_time,
  };
}

export function measure(peak: number, streakBase: number, observation: PreservationObservation): PreservationMeasures {
  const { equity, dailyPnl, lossStreak } = observation;
  const dayStartEquity = equity - dailyPnl;
  return {
    drawdown_pct: peak > 0 ? clean(Math.max(0, ((peak - equity) / peak) * 100)) : 0,
    daily_loss_pct: dayStartEquity > 0 ? clean(Math.max(0, (-dailyPnl / dayStartEquity) * 100)) : 0,
    loss_streak: lossStreak - streakBase,
  };
}

/** The levels above NORMAL, most severe first, with their key in the threshold ladders. */
const BREACH_LEVELS = [...LEVELS]
  .reverse()
  .filter((level): level is Exclude<PreservationLevel, 'NORMAL'> => level !== PreservationLevel.NORMAL)
  .map((level) => [level, level.toLowerCase() as keyof LevelThresholds] as const);

/** The most severe level any measure reaches, with every measure that reaches it. */
function breachOf(m: PreservationMeasures, settings: PreservationSettings): { level: Exclude<PreservationLevel, 'NORMAL'>; reason: string } | null {
  for (const [level, key] of BREACH_LEVELS) {
    const hits: string[] = [];
    const dd = settings.drawdown_pct[key];
    const dl = settings.daily_loss_pct[key];
    const ls = settings.loss_streak[key];
    if (dd !== null && m.drawdown_pct >= dd) hits.push(`drawdown ${m.drawdown_pct.toFixed(2)}% from peak equity reached ${dd}%`);
    if (dl !== null && m.daily_loss_pct >= dl) hits.push(`daily loss ${m.daily_loss_pct.toFixed(2)}% reached ${dl}%`);
    if (ls !== null && m.loss_streak >= ls) hits.push(`${m.loss_streak} losing trades in a row reached ${ls}`);
    if (hits.length > 0) return { level, reason: `${hits.join('; ')} (${level} thresholds)` };
  }
  return null;
}

/** Whether one observation meets the recovery criteria of `level` (docs/readiness.md). */
function isCalm(level: PreservationLevel, m: PreservationMeasures, lossStreak: number, dayStartStreak: number, settings: PreservationSettings): boolean {
  const noDailyLoss = m.daily_loss_pct < (settings.daily_loss_pct.caution ?? Infinity);
  const streakQuiet = m.loss_streak < (settings.loss_streak.caution ?? Infinity) || lossStreak <= dayStartStreak;
  const near = level === PreservationLevel.CAUTION ? settings.recovery_drawdown_pct.caution : level === PreservationLevel.DEFENSIVE ? settings.recovery_drawdown_pct.defensive : Infinity;
  return noDailyLoss && streakQuiet && m.drawdown_pct <= near;
}

function calmRule(level: PreservationLevel, settings: PreservationSettings): string {
  const parts = [`daily loss below ${settings.daily_loss_pct.caution}%`, 'no growing losing streak'];
  if (level === PreservationLevel.CAUTION) parts.push(`equity within ${settings.recovery_drawdown_pct.caution}% of peak`);
  if (level === PreservationLevel.DEFENSIVE) parts.push(`equity within ${settings.recovery_drawdown_pct.defensive}% of peak`);
  return parts.join(', ');
}

function recoveryDays(level: PreservationLevel, settings: PreservationSettings): number | null {
  return level === PreservationLevel.NORMAL ? null : settings.recovery_days[level.toLowerCase() as keyof PreservationSettings['recovery_days']];
}

function transitionRecord(
  from: PreservationLevel,
  to: PreservationLevel,
  trigger: PreservationTrigger,
  reason: string,
  observation: PreservationObservation,
  peak: number,
  m: PreservationMeasures,
): PreservationTransition {
  return {
    at: observation.at,
    from,
    to,
    trigger,
    reason,
    equity: observation.equity,
    peak_equity: peak,
    drawdown_pct: round4(m.drawdown_pct),
    daily_loss_pct: round4(m.daily_loss_pct),
    loss_streak: observation.lossStreak,
  };
}

/** Drops float noise so that 3 % of 10 000 is exactly 3, not 2.9999999999. */
function clean(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}

function round4(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}
