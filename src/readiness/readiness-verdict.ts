/** Reference 002's live-rollout statuses. */
export const Readiness = {
  GO: 'GO',
  CONDITIONAL: 'CONDITIONAL',
  NO_GO: 'NO_GO',
} as const;
export type Readiness = (typeof Readiness)[keyof typeof Readiness];

const RANK: Readonly<Record<Readiness, number>> = { GO: 0, CONDITIONAL: 1, NO_GO: 2 };

/** The most severe of `verdicts`; GO when there are none. */
export function worst(verdicts: Iterable<Readiness>): Readiness {
  let result: Readiness = Readiness.GO;
  for (const v of verdicts) if (RANK[v] > RANK[result]) result = v;
  return result;
}

/** `paperlive health` exit code: 0 GO, 1 CONDITIONAL, 2 NO_GO (SPEC §6). */
export function exitCodeOf(verdict: Readiness): number {
  return RANK[verdict];
}
