import { describe, expect, it } from 'vitest';
import { LEVEL_POLICY, LEVELS, PreservationLevel, type PreservationLevel as Level } from '../../../src/risk/capital-preservation/levels.js';
import { nextLevel, PreservationTrigger, type PreservationTrigger as Trigger } from '../../../src/risk/capital-preservation/transitions.js';

const { NORMAL, CAUTION, DEFENSIVE, LOCKDOWN, CRISIS } = PreservationLevel;
const T = PreservationTrigger;

/** Every (level, trigger) pair: null = the trigger does not move that level. */
const EXPECTED: Array<[Level, Trigger, Level | null]> = [
  [NORMAL, T.BREACH_CAUTION, CAUTION],
  [NORMAL, T.BREACH_DEFENSIVE, DEFENSIVE],
  [NORMAL, T.BREACH_LOCKDOWN, LOCKDOWN],
  [NORMAL, T.BREACH_CRISIS, CRISIS],
  [NORMAL, T.RECOVERED, null],
  [CAUTION, T.BREACH_CAUTION, null],
  [CAUTION, T.BREACH_DEFENSIVE, DEFENSIVE],
  [CAUTION, T.BREACH_LOCKDOWN, LOCKDOWN],
  [CAUTION, T.BREACH_CRISIS, CRISIS],
  [CAUTION, T.RECOVERED, NORMAL],
  [DEFENSIVE, T.BREACH_CAUTION, null],
  [DEFENSIVE, T.BREACH_DEFENSIVE, null],
  [DEFENSIVE, T.BREACH_LOCKDOWN, LOCKDOWN],
  [DEFENSIVE, T.BREACH_CRISIS, CRISIS],
  [DEFENSIVE, T.RECOVERED, CAUTION],
  [LOCKDOWN, T.BREACH_CAUTION, null],
  [LOCKDOWN, T.BREACH_DEFENSIVE, null],
  [LOCKDOWN, T.BREACH_LOCKDOWN, null],
  [LOCKDOWN, T.BREACH_CRISIS, CRISIS],
  [LOCKDOWN, T.RECOVERED, DEFENSIVE],
  [CRISIS, T.BREACH_CAUTION, null],
  [CRISIS, T.BREACH_DEFENSIVE, null],
  [CRISIS, T.BREACH_LOCKDOWN, null],
  [CRISIS, T.BREACH_CRISIS, null],
  [CRISIS, T.RECOVERED, LOCKDOWN],
];

describe('capital preservation transition table', () => {
  it('when listed then it covers every level with every trigger', () => {
    expect(EXPECTED).toHaveLength(LEVELS.length * Object.values(T).length);
  });

  it.each(EXPECTED)('when at %s and %s then the level becomes %s', (level, trigger, expected) => {
    expect(nextLevel(level, trigger)).toBe(expected);
  });

  it('when recovering then no level steps down more than one', () => {
    for (const level of LEVELS) {
      const to = nextLevel(level, T.RECOVERED);
      if (to !== null) expect(LEVELS.indexOf(level) - LEVELS.indexOf(to)).toBe(1);
    }
  });

  it.each<[Level, number, boolean, boolean, boolean]>([
    [NORMAL, 1, false, false, false],
    [CAUTION, 0.75, false, false, false],
    [DEFENSIVE, 0.5, false, false, false],
    [LOCKDOWN, 0, true, true, false],
    [CRISIS, 0, true, true, true],
  ])('when at %s then the risk factor is %s, entries blocked %s, halted %s, flatten %s', (level, factor, block, halt, flatten) => {
    expect(LEVEL_POLICY[level]).toEqual({ riskFactor: factor, blockEntries: block, halt, flatten });
  });
});
