#!/usr/bin/env bash
# paperlive at a glance (Linux/macOS): pid file, process, heartbeat pid parity and
# age, trading state, can_trade, equity, positions, last errors.
#
#   scripts/ops/check_bot.sh [HOME]     HOME defaults to $PAPERLIVE_HOME, else the repo
#
# Exit codes: 0 OK, 1 problem (stale or inconsistent: look at it), 2 not running.
set -u

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
home="${1:-${PAPERLIVE_HOME:-$repo}}"
pid_file="$home/logs/paper_live.pid"
heartbeat="$home/data/rl/paper_live_heartbeat.json"
status="$home/logs/status.json"

if ! command -v jq >/dev/null 2>&1; then
  echo "check_bot: jq is required (apt-get install jq / brew install jq)" >&2
  exit 1
fi

problems=()
problem() { problems+=("$1"); }
row() { printf '  %-16s %s\n' "$1" "$2"; }
# Reads a jq expression from a JSON file; empty when the file is missing or unreadable.
field() { [ -f "$2" ] && jq -r "$1" "$2" 2>/dev/null; }
# Seconds since an ISO time (ms precision), from jq's clock.
age_of() { jq -nr --arg t "$1" '($t | capture("^(?<s>[^.Z]+)(\\.(?<f>[0-9]+))?Z$")) as $m
  | now - (($m.s + "Z" | fromdateiso8601) + ("0." + ($m.f // "0") | tonumber)) | . * 10 | round / 10'; }

echo "paperlive at $home"
for f in EMERGENCY_STOP PAUSE PAUSE_TRADING; do
  ls "$home" 2>/dev/null | grep -Eqix "$f(\.txt)?" && row "control file" "$f is present"
done

# --- is it running? -----------------------------------------------------------
if [ ! -f "$pid_file" ]; then
  row "pid file" "none (clean stop, emergency stop, or never started)"
  [ -f "$heartbeat" ] && row "last heartbeat" "$(field '"\(.status) \(.trading_state) at \(.timestamp) (pid \(.pid))"' "$heartbeat")"
  [ -f "$status" ] && row "last errors" "$(field '[.errors[]? | "\(.time) \(.message)"] | last // "none"' "$status")"
  echo "NOT RUNNING"
  exit 2
fi
pid="$(tr -dc '0-9' < "$pid_file")"
cmd="$(ps -p "${pid:-0}" -o args= 2>/dev/null)"
if [ -z "$pid" ] || [ -z "$cmd" ]; then
  row "pid file" "${pid:-empty}, but no such process: it crashed or was killed (stale pid file)"
  [ -f "$heartbeat" ] && row "last heartbeat" "$(field '"\(.status) at \(.timestamp)"' "$heartbeat")"
  echo "NOT RUNNING"
  exit 2
fi
case "$cmd" in
  *main.js*|*paperlive*) row "pid file" "$pid (process alive: $cmd)" ;;
  *) row "pid file" "$pid is alive but is not paperlive ($cmd): stale pid file, pid reused"
     echo "NOT RUNNING"
     exit 2 ;;
esac

# --- heartbeat: pid parity and age ----------------------------------------------
if [ ! -f "$heartbeat" ]; then
  problem "no heartbeat file ($heartbeat)"
else
  hb_pid="$(field '.pid' "$heartbeat")"
  if [ "$hb_pid" = "$pid" ]; then
    row "heartbeat pid" "$hb_pid = pid file: pid parity OK"
  else
    row "heartbeat pid" "$hb_pid != pid file $pid: pid parity MISMATCH"
    problem "heartbeat pid $hb_pid differs from pid file $pid"
  fi
  interval="$(field '.interval_s // 30' "$heartbeat")"
  age="$(age_of "$(field '.timestamp' "$heartbeat")")"
  if [ -z "$age" ]; then
    problem "heartbeat timestamp unreadable"
  elif jq -en --argjson a "$age" --argjson i "$interval" '$a > 2 * $i' >/dev/null; then
    row "heartbeat age" "${age} s, over 2 x ${interval} s: STALE"
    problem "heartbeat is ${age} s old (interval ${interval} s): the process is hung, frozen or overloaded"
  else
    row "heartbeat age" "${age} s (interval ${interval} s) OK"
  fi
  hb_status="$(field '.status' "$heartbeat")"
  [ "$hb_status" = "alive" ] || problem "heartbeat status is $hb_status while the process is alive"
  row "candles" "$(field '"last \(.last_candle_at // "none yet"), processed at \(.last_candle_processed_at // "-"), feed healthy: \(.feed_healthy)"' "$heartbeat")"
  if [ "$(field '.feed_healthy' "$heartbeat")" != "true" ]; then
    if [ "$(field '.last_candle_at' "$heartbeat")" = "null" ] && [ "$(field '.uptime_s < 300' "$heartbeat")" = "true" ]; then
      row "feed" "no candle yet (just started)"
    else
      problem "feed unhealthy: alive but not trading on fresh data"
    fi
  fi
  row "decisions" "$(field '"session \(.total_decisions_session), all time \(.total_decisions_all_time), last \(.last_decision_at // "none")"' "$heartbeat")"
fi

# --- status.json: trading state, risk, account --------------------------------------
if [ ! -f "$status" ]; then
  problem "no status file ($status)"
else
  state="$(field '.trading_state' "$status")"
  row "trading_state" "$state"
  case "$state" in
    HALTED) problem "trading HALTED by the daemon (capital preservation, persistence failure or invariant breach): see the log" ;;
    STOPPED|EMERGENCY_STOPPED) problem "status says $state but the process is alive" ;;
  esac
  row "can_trade" "$(field '"\(.risk.can_trade)" + (if (.risk.reasons | length) > 0 then " (" + (.risk.reasons | join(", ")) + ")" else "" end)' "$status")"
  row "equity" "$(field '"\(.account.equity) \(.account.currency), daily pnl \(.account.daily_pnl), open positions \(.account.open_positions)"' "$status")"
  field '.active_positions[]? | "    \(.symbol) \(.side) \(.quantity) @ \(.entry), mark \(.mark), pnl \(.unrealized_pnl)"' "$status"
  row "last errors" "$(field 'if (.errors | length) == 0 then "none" else "" end' "$status")"
  field '.errors[-3:][]? | "    \(.time) \(.message)"' "$status"
fi

if [ "${#problems[@]}" -gt 0 ]; then
  for p in "${problems[@]}"; do echo "PROBLEM: $p"; done
  exit 1
fi
echo "OK"
exit 0
