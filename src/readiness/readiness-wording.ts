/**
 * Reasons and next actions, worded as reference 002's troubleshooting table (its Python scripts
 * replaced by the paperlive commands that do the same). Scripts match these sentences: change
 * them only together with docs/readiness.md.
 */
export const Wording = {
  killSwitch: {
    reason: 'Kill switch is active',
    action: 'Run `rm data/live_kill_switch.txt` or unset `LIVE_KILL_SWITCH` env var. Investigate why it was activated.',
  },
  capitalPreservation: {
    reason: 'Capital preservation in LOCKDOWN/CRISIS mode',
    action: 'Wait for automatic recovery. Do NOT manually override. Review what triggered escalation.',
  },
  shadowHealth: {
    reason: 'Shadow data collection health is CRITICAL',
    action: 'Check if paper trading is running. Verify shadow collector is enabled. Review `data/rl/shadow_decisions.jsonl`.',
  },
  allowlist: {
    reason: 'Live mode enabled but symbol allowlist is empty',
    action: 'Set `LIVE_SYMBOL_ALLOWLIST=ETH/USDT` or add symbols to config.',
  },
  dailyReports: {
    reason: 'Daily health reports missing in last 24h',
    action: 'Run `paperlive report daily`. Verify cron job is configured.',
  },
  streak: {
    reason: (days: number) => `PAPER_LIVE streak (${days} days) below minimum (14 days)`,
    action: 'Continue paper trading. Streak must reach 14 consecutive days.',
  },
  weeks: {
    reason: (weeks: number) => `PAPER_LIVE weeks counted (${weeks}) below minimum (2)`,
    action: 'Continue paper trading. Must have 2+ weeks of data.',
  },
  heartbeat: {
    reason: 'Shadow collector heartbeat not recent',
    action: 'Verify paper trading process is running. Check for exceptions in logs.',
  },
  turnoverHigh: {
    reason: (pct: string) => `Turnover block rate (${pct}%) exceeds 70%`,
    action: 'Review turnover governor settings. May be over-throttling. Consider relaxing thresholds.',
  },
  turnoverLow: {
    reason: (pct: string) => `Turnover block rate (${pct}%) below 5%`,
    action: 'Review turnover governor settings. May be too loose. Consider tightening thresholds.',
  },
  turnoverUnknown: {
    reason: 'Turnover block rate unknown (no TradeGate decisions in the last 7 market days)',
    action: 'Verify paper trading is running and the champion emits signals; the rate needs TradeGate decisions.',
  },
  executionRealism: {
    reason: 'Execution realism degradation detected',
    action: 'Investigate slippage model. Compare recent vs prior 7-day averages.',
  },
  criticalAlerts: {
    reason: (count: number) => `${count} CRITICAL alert(s) in last 14 days`,
    action: 'Review and resolve the alerts. Ensure root causes are addressed.',
  },
  signOff: {
    reason: 'Human sign-off not recorded',
    action: 'Record the stakeholders\' approval: `paperlive production --sign-off NAME`.',
  },
  allMet: {
    reason: 'All live rollout criteria met',
    action: 'System ready for live rollout',
  },
} as const;
