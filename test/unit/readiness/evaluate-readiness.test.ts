import { describe, expect, it } from 'vitest';
import { evaluateReadiness } from '../../../src/readiness/evaluate-readiness.js';
import { measureExecutionRealism } from '../../../src/readiness/execution-realism.js';
import type { ReadinessInput } from '../../../src/readiness/readiness-input.js';
import { DAY, HOUR, NOW, dayBefore, dayRun, gateDay, goInput, trade } from './fixtures.js';

describe('evaluateReadiness', () => {
  it('when every criterion is met then both verdicts are GO with the reference wording', () => {
    const report = evaluateReadiness(goInput());
    expect(report).toMatchObject({
      overall_readiness: 'GO',
      live_rollout_readiness: 'GO',
      live_rollout_reasons: ['All live rollout criteria met'],
      live_rollout_next_actions: ['System ready for live rollout'],
    });
    expect(Object.keys(report).sort()).toEqual(['components', 'live_rollout_next_actions', 'live_rollout_readiness', 'live_rollout_reasons', 'overall_readiness']);
    for (const name of ['kill_switch', 'capital_preservation', 'shadow_health', 'live_mode', 'daily_reports', 'paper_streak', 'heartbeat', 'turnover', 'execution_realism', 'critical_alerts', 'sign_off']) {
      expect(report.components[name]).toMatchObject({ status: 'GO' });
    }
    expect(report.components.turnover).toMatchObject({ block_rate_pct: 30, evaluated: 120, turnover_blocked: 36 });
    expect(report.components.phase2c_promotion).toMatchObject({ informational: true, verdict: 'NO_GO' });
  });

  it.each<[string, Partial<ReadinessInput>, string, string]>([
    ['the kill switch file exists', { killSwitch: { active: true, file: true, env: false } }, 'Kill switch is active', 'Run `rm data/live_kill_switch.txt` or unset `LIVE_KILL_SWITCH` env var. Investigate why it was activated.'],
    ['LIVE_KILL_SWITCH is set', { killSwitch: { active: true, file: false, env: true } }, 'Kill switch is active', 'Run `rm data/live_kill_switch.txt` or unset `LIVE_KILL_SWITCH` env var. Investigate why it was activated.'],
    ['capital preservation is in LOCKDOWN', { capitalPreservation: { level: 'LOCKDOWN', since: null, last_reason: 'drawdown' } }, 'Capital preservation in LOCKDOWN/CRISIS mode', 'Wait for automatic recovery. Do NOT manually override. Review what triggered escalation.'],
    ['capital preservation is in CRISIS', { capitalPreservation: { level: 'CRISIS', since: null, last_reason: null } }, 'Capital preservation in LOCKDOWN/CRISIS mode', 'Wait for automatic recovery. Do NOT manually override. Review what triggered escalation.'],
    [
      'the latest daily report is CRITICAL',
      { dailyReports: [{ date: dayBefore(1), modified_at: NOW - HOUR, overall_health: 'CRITICAL', critical_alerts: 0 }] },
      'Shadow data collection health is CRITICAL',
      'Check if paper trading is running. Verify shadow collector is enabled. Review `data/rl/shadow_decisions.jsonl`.',
    ],
    ['no shadow decision was ever logged after days of trading', { heartbeat: { timestamp: NOW, status: 'alive', total_decisions_all_time: 0 } }, 'Shadow data collection health is CRITICAL', 'Check if paper trading is running. Verify shadow collector is enabled. Review `data/rl/shadow_decisions.jsonl`.'],
    ['LIVE_MODE is on with an empty allowlist', { liveMode: { enabled: true, allowlist: [] } }, 'Live mode enabled but symbol allowlist is empty', 'Set `LIVE_SYMBOL_ALLOWLIST=ETH/USDT` or add symbols to config.'],
    ['there is no daily report', { dailyReports: [] }, 'Daily health reports missing in last 24h', 'Run `paperlive report daily`. Verify cron job is configured.'],
    ['the newest daily report is 25 h old', { dailyReports: [{ date: dayBefore(2), modified_at: NOW - 25 * HOUR, overall_health: 'HEALTHY', critical_alerts: 0 }] }, 'Daily health reports missing in last 24h', 'Run `paperlive report daily`. Verify cron job is configured.'],
  ])('when %s then it is NO_GO with that reason and action', (_, overrides, reason, action) => {
    const report = evaluateReadiness(goInput(overrides));
    expect(report.live_rollout_readiness).toBe('NO_GO');
    expect(report.live_rollout_reasons).toEqual([reason]);
    expect(report.live_rollout_next_actions).toEqual([action]);
  });

  it.each<[string, Partial<ReadinessInput>, string[], string[]]>([
    ['the streak is 13 days after a gap', { marketDays: [...dayRun(14, 20), ...dayRun(13)] }, ['PAPER_LIVE streak (13 days) below minimum (14 days)'], ['Continue paper trading. Streak must reach 14 consecutive days.']],
    [
      'only 10 days were traded',
      { marketDays: dayRun(10) },
      ['PAPER_LIVE streak (10 days) below minimum (14 days)', 'PAPER_LIVE weeks counted (1) below minimum (2)'],
      ['Continue paper trading. Streak must reach 14 consecutive days.', 'Continue paper trading. Must have 2+ weeks of data.'],
    ],
    ['the last traded day was 3 days ago', { marketDays: dayRun(20, 3) }, ['PAPER_LIVE streak (0 days) below minimum (14 days)'], ['Continue paper trading. Streak must reach 14 consecutive days.']],
    ['the heartbeat is 3 h old', { heartbeat: { timestamp: NOW - 3 * HOUR, status: 'alive', total_decisions_all_time: 9 } }, ['Shadow collector heartbeat not recent'], ['Verify paper trading process is running. Check for exceptions in logs.']],
    ['the heartbeat says stopped', { heartbeat: { timestamp: NOW - 60_000, status: 'stopped', total_decisions_all_time: 9 } }, ['Shadow collector heartbeat not recent'], ['Verify paper trading process is running. Check for exceptions in logs.']],
    ['there is no heartbeat', { heartbeat: null }, ['Shadow collector heartbeat not recent'], ['Verify paper trading process is running. Check for exceptions in logs.']],
    ['turnover blocks 82.5 %', { gateDays: [gateDay(dayBefore(0), 200, 165)] }, ['Turnover block rate (82.5%) exceeds 70%'], ['Review turnover governor settings. May be over-throttling. Consider relaxing thresholds.']],
    ['turnover blocks 2 %', { gateDays: [gateDay(dayBefore(0), 100, 2)] }, ['Turnover block rate (2.0%) below 5%'], ['Review turnover governor settings. May be too loose. Consider tightening thresholds.']],
    ['the gate judged nothing lately', { gateDays: [] }, ['Turnover block rate unknown (no TradeGate decisions in the last 7 market days)'], ['Verify paper trading is running and the champion emits signals; the rate needs TradeGate decisions.']],
    ['trades paid no fee', { execution: measureExecutionRealism([trade(2, { fees: 0 }), trade(1)], 0) }, ['Execution realism degradation detected'], ['Investigate slippage model. Compare recent vs prior 7-day averages.']],
    ['an entry filled on its own signal candle', { execution: measureExecutionRealism([trade(1)], 1) }, ['Execution realism degradation detected'], ['Investigate slippage model. Compare recent vs prior 7-day averages.']],
    [
      'reports of the last 14 days hold 2 CRITICAL alerts',
      {
        dailyReports: [
          { date: dayBefore(20), modified_at: NOW - 20 * DAY, overall_health: 'CRITICAL', critical_alerts: 5 },
          { date: dayBefore(9), modified_at: NOW - 9 * DAY, overall_health: 'CRITICAL', critical_alerts: 2 },
          { date: dayBefore(1), modified_at: NOW - HOUR, overall_health: 'HEALTHY', critical_alerts: 0 },
        ],
      },
      ['2 CRITICAL alert(s) in last 14 days'],
      ['Review and resolve the alerts. Ensure root causes are addressed.'],
    ],
    ['nobody signed off', { signOffs: [] }, ['Human sign-off not recorded'], ["Record the stakeholders' approval: `paperlive production --sign-off NAME`."]],
  ])('when %s then it is CONDITIONAL with those reasons and actions', (_, overrides, reasons, actions) => {
    const report = evaluateReadiness(goInput(overrides));
    expect(report.live_rollout_readiness).toBe('CONDITIONAL');
    expect(report.live_rollout_reasons).toEqual(reasons);
    expect(report.live_rollout_next_actions).toEqual(actions);
  });

  it.each([
    ['exactly 5 %', 100, 5],
    ['exactly 70 %', 100, 70],
  ])('when turnover blocks %s then the band holds', (_, evaluated, blocked) => {
    expect(evaluateReadiness(goInput({ gateDays: [gateDay(dayBefore(0), evaluated, blocked)] })).components.turnover).toMatchObject({ status: 'GO' });
  });

  it('when a live gate fails but the paper system is healthy then overall is GO and live rollout is not', () => {
    const report = evaluateReadiness(goInput({ killSwitch: { active: true, file: true, env: false }, signOffs: [] }));
    expect(report.overall_readiness).toBe('GO');
    expect(report.live_rollout_readiness).toBe('NO_GO');
  });

  it('when the paper system itself fails then overall readiness says so too', () => {
    expect(evaluateReadiness(goInput({ capitalPreservation: { level: 'CRISIS', since: null, last_reason: null } })).overall_readiness).toBe('NO_GO');
    expect(evaluateReadiness(goInput({ heartbeat: null })).overall_readiness).toBe('CONDITIONAL');
  });

  it('when NO_GO and CONDITIONAL reasons mix then NO_GO ones come first and every action stays beside its reason', () => {
    const report = evaluateReadiness(goInput({ signOffs: [], liveMode: { enabled: true, allowlist: [] }, killSwitch: { active: true, file: true, env: false } }));
    expect(report.live_rollout_reasons).toEqual(['Kill switch is active', 'Live mode enabled but symbol allowlist is empty', 'Human sign-off not recorded']);
    expect(report.live_rollout_next_actions).toHaveLength(3);
    expect(report.live_rollout_next_actions[2]).toContain('--sign-off');
    expect(report.components.kill_switch).toMatchObject({ status: 'NO_GO', reasons: ['Kill switch is active'] });
  });

  it('when LIVE_MODE is on with an allowlist then the live mode check passes', () => {
    expect(evaluateReadiness(goInput({ liveMode: { enabled: true, allowlist: ['ETH/USDT'] } })).live_rollout_readiness).toBe('GO');
  });
});
