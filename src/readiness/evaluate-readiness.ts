import { READINESS_CHECKS, type ReadinessCheck } from './readiness-checks.js';
import type { ReadinessInput } from './readiness-input.js';
import { Readiness, worst } from './readiness-verdict.js';
import { Wording } from './readiness-wording.js';

/** `paperlive health --json` and `GET /health/readiness` (SPEC §9). */
export interface ReadinessReport {
  /** The paper system's own health: capital preservation, shadow health, reports, heartbeat, turnover, realism, alerts. */
  readonly overall_readiness: Readiness;
  /** That plus the live gates (kill switch, allowlist, streak, sign-off): enable LIVE_MODE only on GO. */
  readonly live_rollout_readiness: Readiness;
  readonly live_rollout_reasons: string[];
  readonly live_rollout_next_actions: string[];
  /** One entry per check with its `status`, plus the Phase 2C promotion gates (informational: they never change the verdict). */
  readonly components: Record<string, Readonly<Record<string, unknown>>>;
}

/** Pure: every check over one input snapshot. Reasons come NO_GO first, then CONDITIONAL, each in table order. */
export function evaluateReadiness(input: ReadinessInput, checks: readonly ReadinessCheck[] = READINESS_CHECKS): ReadinessReport {
  const components: ReadinessReport['components'] = {};
  const findings: Array<{ status: Readiness; reason: string; action: string }> = [];
  const system: Readiness[] = [];
  for (const check of checks) {
    const result = check.run(input);
    const status = worst(result.findings.map((f) => f.status));
    // `status` first for readers, and last so that no detail can override it.
    components[check.component] = Object.assign({ status }, result.detail, result.findings.length > 0 ? { reasons: result.findings.map((f) => f.reason) } : {}, { status });
    findings.push(...result.findings);
    if (check.scope === 'system') system.push(status);
  }
  const { promotion } = input;
  components.phase2c_promotion = {
    informational: true,
    verdict: promotion.verdict,
    gates_passed: promotion.gates_passed,
    gates_total: promotion.gates_total,
    failed: promotion.gates.filter((g) => !g.passed).map((g) => `${g.gate}: ${g.reason}`),
  };
  const live = worst(findings.map((f) => f.status));
  const ordered = [...findings.filter((f) => f.status === Readiness.NO_GO), ...findings.filter((f) => f.status !== Readiness.NO_GO)];
  return {
    overall_readiness: worst(system),
    live_rollout_readiness: live,
    live_rollout_reasons: live === Readiness.GO ? [Wording.allMet.reason] : ordered.map((f) => f.reason),
    live_rollout_next_actions: live === Readiness.GO ? [Wording.allMet.action] : ordered.map((f) => f.action),
    components,
  };
}
