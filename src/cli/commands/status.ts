import { homePaths, resolveHome } from '../../app/paths.js';
import { readJsonFile } from '../../io/atomic-write.js';
import { isProcessAlive, readPidFile } from '../../io/instance-lock.js';
import { CommandResultError } from '../../model/errors.js';
import type { HeartbeatDocument, StatusDocument } from '../../monitoring/status-document.js';
import { COMMON_OPTIONS, parseCommandArgs } from '../args.js';

export const STATUS_HELP = `Usage: paperlive status [--home DIR] [--json]

Summary of logs/status.json and the heartbeat's age.
Exit codes: 0 alive and fresh, 1 stale (heartbeat older than 2 intervals), 2 not running.`;

export type Verdict = 'alive' | 'stale' | 'not_running';

export interface StatusReport {
  verdict: Verdict;
  heartbeat_age_s: number | null;
  status: StatusDocument | null;
  heartbeat: HeartbeatDocument | null;
}

export function readStatusReport(home: string, now = Date.now()): StatusReport {
  const paths = homePaths(home);
  const status = safeRead<StatusDocument>(paths.statusFile);
  const heartbeat = safeRead<HeartbeatDocument>(paths.heartbeat);
  const pid = readPidFile(paths.pidFile);
  const age = heartbeat ? (now - Date.parse(heartbeat.timestamp)) / 1000 : null;
  const intervalS = heartbeat?.interval_s ?? (status ? (Date.parse(status.next_update) - Date.parse(status.timestamp)) / 1000 : 30);
  let verdict: Verdict;
  if (pid === null || !isProcessAlive(pid) || !heartbeat || heartbeat.status === 'stopped' || status?.is_alive === false) verdict = 'not_running';
  else if (age === null || age > 2 * intervalS) verdict = 'stale';
  else verdict = 'alive';
  return { verdict, heartbeat_age_s: age === null ? null : Math.round(age * 10) / 10, status, heartbeat };
}

export async function statusCommand(argv: readonly string[]): Promise<number> {
  const { values } = parseCommandArgs('status', argv, { ...COMMON_OPTIONS, json: { type: 'boolean' } });
  if (values.help) {
    console.log(STATUS_HELP);
    return 0;
  }
  const home = resolveHome(values.home);
  const report = readStatusReport(home);
  if (values.json) console.log(JSON.stringify(report, null, 2));
  else console.log(summarise(home, report));
  const code = { alive: 0, stale: 1, not_running: 2 }[report.verdict];
  if (code !== 0) throw new CommandResultError('', code);
  return 0;
}

function summarise(home: string, { verdict, heartbeat_age_s, status }: StatusReport): string {
  if (!status) return `paperlive is not running in ${home} (no logs/status.json)`;
  const lines = [
    `paperlive ${verdict.replace('_', ' ')} — ${status.trading_state}, pid ${status.pid}, heartbeat ${heartbeat_age_s ?? '?'} s ago, home ${home}`,
    `market time ${status.market_time ?? '—'}; feed ${status.feed.source} ${status.feed.healthy ? 'healthy' : 'UNHEALTHY'}`,
    `equity ${status.account.equity} ${status.account.currency} (balance ${status.account.balance}, today ${status.account.daily_pnl}, ${status.account.daily_trades} trades)`,
    `can trade: ${status.risk.can_trade ? 'yes' : `no (${status.risk.reasons.join(', ')})`}; risk multiplier ${status.risk.risk_multiplier}, heat ${status.risk.portfolio_heat_pct}% of ${status.risk.max_portfolio_heat_pct}%`,
  ];
  for (const p of status.active_positions) lines.push(`  ${p.symbol} ${p.quantity} @ ${p.entry} mark ${p.mark} stop ${p.stop} pnl ${p.unrealized_pnl}`);
  for (const e of status.errors) lines.push(`  error ${e.time}: ${e.message}`);
  return lines.join('\n');
}

function safeRead<T>(file: string): T | null {
  try {
    return readJsonFile<T>(file) ?? null;
  } catch {
    return null;
  }
}
