import { describe, expect, it } from 'vitest';
import { evaluate, INITIAL_PRESERVATION_STATE, type PreservationObservation, type PreservationState } from '../../../src/risk/capital-preservation/evaluate.js';
import { PreservationLevel, type PreservationLevel as Level } from '../../../src/risk/capital-preservation/levels.js';
import { DEFAULT_PRESERVATION_SETTINGS as S } from '../../../src/risk/capital-preservation/preservation-settings.js';

const { NORMAL, CAUTION, DEFENSIVE, LOCKDOWN, CRISIS } = PreservationLevel;
const DAY = 86_400_000;
const D0 = Date.UTC(2026, 2, 10);
/** Noon of market day `n` after D0. */
const noon = (n: number) => D0 + n * DAY + 12 * 3_600_000;

/** A state at `level`, entered on day 0 with peak 10 000, as the machine leaves it. */
function at(level: Level, overrides: Partial<PreservationState> = {}): PreservationState {
  return { ...INITIAL_PRESERVATION_STATE, level, level_since: level === NORMAL ? null : noon(0), peak_equity: 10_000, day_start: D0, day_calm: false, market_time: noon(0), ...overrides };
}

const obs = (day: number, equity: number, dailyPnl = 0, lossStreak = 0): PreservationObservation => ({ at: noon(day), equity, dailyPnl, lossStreak });

/** One observation at noon of each following day; returns every evaluation. */
function days(start: PreservationState, equities: ReadonlyArray<number | [number, number, number]>) {
  let state = start;
  return equities.map((e, i) => {
    const [equity, pnl, streak] = Array.isArray(e) ? e : [e, 0, 0];
    const result = evaluate(state, obs(i + 1, equity, pnl, streak), S);
    state = result.state;
    return result;
  });
}

describe('evaluate: escalation', () => {
  it.each<[string, Level, PreservationObservation]>([
    ['a drawdown of 2.99 %', NORMAL, obs(0, 9_701)],
    ['a drawdown of 3 %', CAUTION, obs(0, 9_700)],
    ['a drawdown of 5 %', DEFENSIVE, obs(0, 9_500)],
    ['a drawdown of 8 %', LOCKDOWN, obs(0, 9_200)],
    ['a drawdown of 12 %', CRISIS, obs(0, 8_800)],
    ['a daily loss of 2 %', CAUTION, { at: noon(0), equity: 9_800, dailyPnl: -200, lossStreak: 0 }],
    ['a daily loss of 3 % (drawdown 3 %)', DEFENSIVE, { at: noon(0), equity: 9_700, dailyPnl: -300, lossStreak: 0 }],
    ['a daily loss of 4 %', LOCKDOWN, { at: noon(0), equity: 9_600, dailyPnl: -400, lossStreak: 0 }],
    ['a daily loss of 6 %', CRISIS, { at: noon(0), equity: 9_400, dailyPnl: -600, lossStreak: 0 }],
    ['2 losses in a row', NORMAL, obs(0, 10_000, 0, 2)],
    ['3 losses in a row', CAUTION, obs(0, 10_000, 0, 3)],
    ['5 losses in a row', DEFENSIVE, obs(0, 10_000, 0, 5)],
    ['7 losses in a row', LOCKDOWN, obs(0, 10_000, 0, 7)],
    ['20 losses in a row (a streak alone is never a crisis)', LOCKDOWN, obs(0, 10_000, 0, 20)],
  ])('when NORMAL sees %s then the level is %s', (_, expected, observation) => {
    const result = evaluate(at(NORMAL), observation, S);
    expect(result.state.level).toBe(expected);
    if (expected === NORMAL) expect(result.transition).toBeNull();
    else expect(result.transition).toMatchObject({ from: NORMAL, to: expected, trigger: `breach_${expected.toLowerCase()}`, at: observation.at });
  });

  it.each<[Level, number, Level]>([
    [CAUTION, 9_650, CAUTION],
    [DEFENSIVE, 9_650, DEFENSIVE],
    [LOCKDOWN, 9_400, LOCKDOWN],
    [CAUTION, 9_500, DEFENSIVE],
    [DEFENSIVE, 9_200, LOCKDOWN],
    [LOCKDOWN, 8_800, CRISIS],
  ])('when at %s and equity falls to %s then the level is %s (only a higher breach escalates)', (level, equity, expected) => {
    const result = evaluate(at(level), obs(0, equity), S);
    expect(result.state.level).toBe(expected);
    expect(result.transition === null).toBe(level === expected);
  });

  it('when a breach escalates then the transition says which measures crossed which threshold', () => {
    const { transition } = evaluate(at(NORMAL), { at: noon(0), equity: 9_180, dailyPnl: -420, lossStreak: 7 }, S);
    expect(transition).toEqual({
      at: noon(0),
      from: NORMAL,
      to: LOCKDOWN,
      trigger: 'breach_lockdown',
      reason: 'drawdown 8.20% from peak equity reached 8%; daily loss 4.38% reached 4%; 7 losing trades in a row reached 7 (LOCKDOWN thresholds)',
      equity: 9_180,
      peak_equity: 10_000,
      drawdown_pct: 8.2,
      daily_loss_pct: 4.375,
      loss_streak: 7,
    });
  });

  it.each<[Level, { flatten: boolean; halt: boolean; block_entries: boolean; risk_factor: number }]>([
    [CAUTION, { flatten: false, halt: false, block_entries: false, risk_factor: 0.75 }],
    [DEFENSIVE, { flatten: false, halt: false, block_entries: false, risk_factor: 0.5 }],
    [LOCKDOWN, { flatten: false, halt: true, block_entries: true, risk_factor: 0 }],
    [CRISIS, { flatten: true, halt: true, block_entries: true, risk_factor: 0 }],
  ])('when the level becomes %s then the actions are %o', (level, actions) => {
    const equity = { CAUTION: 9_700, DEFENSIVE: 9_500, LOCKDOWN: 9_200, CRISIS: 8_800 }[level as 'CAUTION'];
    expect(evaluate(at(NORMAL), obs(0, equity), S).actions).toEqual(actions);
  });

  it('when equity makes a new high then the peak follows it and the drawdown is measured from there', () => {
    const up = evaluate(at(NORMAL), obs(0, 11_000), S);
    expect(up.state.peak_equity).toBe(11_000);
    expect(evaluate(up.state, obs(0, 10_670), S).state.level).toBe(CAUTION);
  });

  it('when the first observation ever comes then the peak starts at its equity and nothing escalates', () => {
    const result = evaluate(INITIAL_PRESERVATION_STATE, obs(0, 5_000), S);
    expect(result).toMatchObject({ transition: null, state: { level: NORMAL, peak_equity: 5_000, day_start: D0, day_calm: false } });
  });

  it('when the loss streak is reset by a win below the rebased base then the base drops to zero', () => {
    const result = evaluate(at(NORMAL, { streak_base: 6, loss_streak: 6 }), obs(0, 10_000, 0, 3), S);
    expect(result.state.streak_base).toBe(0);
    expect(result.state.level).toBe(CAUTION);
  });
});

describe('evaluate: recovery', () => {
  it.each<[Level, Level, number, number]>([
    // level, steps down to, calm days required, equity on the calm days (peak 10 000)
    [CAUTION, NORMAL, 2, 9_860],
    [DEFENSIVE, CAUTION, 3, 9_760],
    [LOCKDOWN, DEFENSIVE, 3, 9_200],
    [CRISIS, LOCKDOWN, 5, 8_800],
  ])('when at %s then it steps down to %s after %s whole calm market days, not before', (level, to, required, equity) => {
    const results = days(at(level), Array.from({ length: required + 1 }, () => equity));
    for (const r of results.slice(0, required)) expect(r.state.level).toBe(level);
    const last = results[required]!;
    expect(last.state.level).toBe(to);
    expect(last.transition).toMatchObject({ from: level, to, trigger: 'recovered', at: noon(required + 1) });
    expect(last.transition!.reason).toMatch(new RegExp(`^${required} calm market day\\(s\\) at ${level}`));
    // The new level measures new losses: peak and streak are rebased to the present.
    expect(last.state).toMatchObject({ peak_equity: equity, calm_days: 0, level_since: noon(required + 1) });
  });

  it('when LOCKDOWN recovers to DEFENSIVE with the old drawdown unchanged then it does not escalate again', () => {
    const results = days(at(LOCKDOWN), [9_200, 9_200, 9_200, 9_200, 9_200]);
    expect(results.map((r) => r.state.level)).toEqual([LOCKDOWN, LOCKDOWN, LOCKDOWN, DEFENSIVE, DEFENSIVE]);
  });

  type Day = [equity: number, dailyPnl: number, lossStreak: number];
  it.each<[string, Level, Day, Day, Day]>([
    // what the bad day had, level, a calm day before it, the bad day, a calm day after it
    ['equity 1.6 % below peak at CAUTION (needs within 1.5 %)', CAUTION, [9_900, 0, 0], [9_840, 0, 0], [9_900, 0, 0]],
    ['equity 2.6 % below peak at DEFENSIVE (needs within 2.5 %)', DEFENSIVE, [9_800, 0, 0], [9_740, 0, 0], [9_800, 0, 0]],
    ['a daily loss of 2 % at LOCKDOWN', LOCKDOWN, [9_200, 0, 0], [9_020, -200, 0], [9_020, 0, 0]],
    ['a losing streak growing from 3 to 4 at CAUTION', CAUTION, [9_900, 0, 3], [9_900, 0, 4], [9_900, 0, 4]],
  ])('when a day has %s then it is not calm and the count of calm days starts again', (_, level, before, bad, after) => {
    const required = S.recovery_days[level.toLowerCase() as 'caution'];
    // Calm days until the day before recovery was due, then the bad day, then calm days again.
    const plan: Day[] = [...Array.from({ length: required - 1 }, () => before), bad, ...Array.from({ length: required + 1 }, () => after)];
    const levels = days(at(level, { loss_streak: before[2], day_start_streak: before[2] }), plan).map((r) => r.state.level);
    // Without the bad day it would have stepped down at index `required`; with it, `required` calm days later.
    expect(levels.findIndex((l) => l !== level)).toBe(2 * required);
  });

  it('when LOCKDOWN came from a streak of 7 and no trade closes then the unchanged streak does not stop recovery', () => {
    const results = days(at(LOCKDOWN, { loss_streak: 7, day_start_streak: 7 }), [
      [10_000, 0, 7],
      [10_000, 0, 7],
      [10_000, 0, 7],
      [10_000, 0, 7],
    ]);
    expect(results.map((r) => r.state.level)).toEqual([LOCKDOWN, LOCKDOWN, LOCKDOWN, DEFENSIVE]);
    // Rebased: the old 7 losses no longer count, the next loss is the first of a new streak.
    expect(results[3]!.state.streak_base).toBe(7);
    expect(evaluate(results[3]!.state, obs(5, 10_000, 0, 8), S).state.level).toBe(DEFENSIVE);
  });

  it('when the first observation of the due day is not calm then it does not step down that day', () => {
    const results = days(at(CAUTION), [9_900, 9_900, 9_700 - 1]);
    expect(results[2]!.state.level).toBe(CAUTION);
    expect(results[2]!.transition).toBeNull();
  });

  it('when a level is entered mid-day then that day does not count towards recovery', () => {
    // Entered at noon of day 0 (day_calm false): day 1 and 2 calm → recovery on day 3, not day 2.
    const results = days(at(CAUTION), [9_900, 9_900, 9_900]);
    expect(results.map((r) => r.state.level)).toEqual([CAUTION, CAUTION, NORMAL]);
  });

  it('when CRISIS is left alone then it walks down one level at a time to NORMAL in 13 calm days', () => {
    let state = at(CRISIS);
    const path: Level[] = [];
    for (let day = 1; day <= 20; day++) {
      const result = evaluate(state, obs(day, 8_800), S);
      if (result.transition) path.push(result.transition.to);
      state = result.state;
    }
    expect(path).toEqual([LOCKDOWN, DEFENSIVE, CAUTION, NORMAL]);
    expect(state.level_since).toBe(noon(14));
  });

  it('when observations come every minute then only whole days count and recovery comes at the first minute of the due day', () => {
    let state = at(CAUTION);
    let recoveredAt: number | null = null;
    for (let t = noon(0) + 60_000; t < noon(4) && recoveredAt === null; t += 60_000) {
      const result = evaluate(state, { at: t, equity: 9_900, dailyPnl: 0, lossStreak: 0 }, S);
      if (result.transition) recoveredAt = t;
      state = result.state;
    }
    expect(recoveredAt).toBe(D0 + 3 * DAY);
  });
});
