<#
.SYNOPSIS
  paperlive at a glance on Windows: one process, pid parity, heartbeat age, decisions, trading state.

.DESCRIPTION
  Checks that exactly one node process runs dist\cli\main.js run for this home, that its pid
  equals logs\paper_live.pid and the heartbeat's pid, and that the heartbeat is fresh
  (no older than 2 x interval_s). Prints OK or PROBLEM with the reasons.
  Exit code 0 OK, 1 problem, 2 not running.

.EXAMPLE
  powershell -ExecutionPolicy Bypass -File scripts\ops\windows_status.ps1
#>
[CmdletBinding()]
param(
  # Home folder; default: the repository.
  [string]$PaperHome = '',
  [string]$TaskName = 'paperlive_paper_live'
)
$ErrorActionPreference = 'Stop'

if ($PaperHome -eq '') { $PaperHome = (Resolve-Path (Join-Path $PSScriptRoot '..\..')).Path }
$PidFile = Join-Path $PaperHome 'logs\paper_live.pid'
$HeartbeatFile = Join-Path $PaperHome 'data\rl\paper_live_heartbeat.json'
$StatusFile = Join-Path $PaperHome 'logs\status.json'
$problems = New-Object System.Collections.ArrayList

Write-Output "paperlive at $PaperHome"

$task = Get-ScheduledTask -TaskName $TaskName -ErrorAction SilentlyContinue
if ($null -ne $task) {
  $info = Get-ScheduledTaskInfo -TaskName $TaskName
  Write-Output ("  task            {0}: {1}, last run {2}, last result {3}" -f $TaskName, $task.State, $info.LastRunTime, $info.LastTaskResult)
} else {
  Write-Output "  task            $TaskName is not registered"
}
foreach ($name in @('EMERGENCY_STOP', 'PAUSE', 'SHUTDOWN')) {
  if ((Test-Path (Join-Path $PaperHome $name)) -or (Test-Path (Join-Path $PaperHome "$name.txt"))) { Write-Output "  control file    $name is present" }
}

# Every paperlive daemon on the machine, then the ones for this home.
$all = @(Get-CimInstance Win32_Process -Filter "Name = 'node.exe'" | Where-Object { $_.CommandLine -match 'dist[\\/]cli[\\/]main\.js"?\s+run' })
$ours = @($all | Where-Object { $_.CommandLine -like "*$PaperHome*" })
foreach ($p in $all) { Write-Output ("  process         pid {0} (parent {1}): {2}" -f $p.ProcessId, $p.ParentProcessId, $p.CommandLine) }

$pidFromFile = $null
if (Test-Path $PidFile) {
  $pidText = [string](Get-Content $PidFile -TotalCount 1)
  if ($pidText -match '^\s*(\d+)') { $pidFromFile = [int]$Matches[1] }
}
if (($ours.Count -eq 0) -and ($null -ne $pidFromFile) -and ($null -ne (Get-Process -Id $pidFromFile -ErrorAction SilentlyContinue))) {
  # Without elevation Windows hides the command line of SYSTEM's processes.
  Write-Output "  process         pid $pidFromFile is alive, command line not visible: run elevated for the single-process check"
  $ours = @([pscustomobject]@{ ProcessId = $pidFromFile })
}
if ($ours.Count -eq 0) {
  if ($null -ne $pidFromFile) { Write-Output "  pid file        $pidFromFile, but no such paperlive process: it crashed or was killed" }
  if (Test-Path $HeartbeatFile) { Write-Output ("  last heartbeat  {0}" -f ((Get-Content $HeartbeatFile -Raw) -replace '\s+', ' ')) }
  Write-Output 'NOT RUNNING'
  exit 2
}
if ($ours.Count -gt 1) { [void]$problems.Add("$($ours.Count) paperlive processes for this home (expected 1)") }
$processPid = [int]$ours[0].ProcessId

if (-not (Test-Path $HeartbeatFile)) {
  [void]$problems.Add("no heartbeat file $HeartbeatFile")
} else {
  $raw = Get-Content $HeartbeatFile -Raw
  $hb = $raw | ConvertFrom-Json
  if (($processPid -eq $pidFromFile) -and ($processPid -eq [int]$hb.pid)) {
    Write-Output "  pid             process $processPid = pid file = heartbeat: PID parity OK"
  } else {
    Write-Output "  pid             process $processPid, pid file $pidFromFile, heartbeat $($hb.pid): PID parity MISMATCH"
    [void]$problems.Add('pid parity mismatch between the process, logs\paper_live.pid and the heartbeat')
  }
  $interval = 30.0
  if ($null -ne $hb.interval_s) { $interval = [double]$hb.interval_s }
  # The raw text, not the parsed value: PowerShell 7 would turn it into a local DateTime.
  if ($raw -match '"timestamp"\s*:\s*"([^"]+)"') {
    $age = ([DateTimeOffset]::UtcNow - [DateTimeOffset]::Parse($Matches[1], [Globalization.CultureInfo]::InvariantCulture)).TotalSeconds
    if ($age -gt 2 * $interval) {
      Write-Output ("  heartbeat age   {0:N1} s, over 2 x {1} s: STALE" -f $age, $interval)
      [void]$problems.Add(("heartbeat is {0:N1} s old: the process is hung or overloaded" -f $age))
    } else {
      Write-Output ("  heartbeat age   {0:N1} s (interval {1} s) OK" -f $age, $interval)
    }
  } else {
    [void]$problems.Add('heartbeat has no timestamp')
  }
  if ($hb.status -ne 'alive') { [void]$problems.Add("heartbeat status is $($hb.status) while the process runs") }
  Write-Output ("  decisions       session {0}, all time {1}, last {2}" -f $hb.total_decisions_session, $hb.total_decisions_all_time, $hb.last_decision_at)
  Write-Output ("  candles         last {0}, processed at {1}, feed healthy: {2}" -f $hb.last_candle_at, $hb.last_candle_processed_at, $hb.feed_healthy)
  if ((-not $hb.feed_healthy) -and ($null -ne $hb.last_candle_at)) { [void]$problems.Add('feed unhealthy: alive but not trading on fresh data') }
}

if (Test-Path $StatusFile) {
  $st = Get-Content $StatusFile -Raw | ConvertFrom-Json
  Write-Output ("  trading_state   {0}" -f $st.trading_state)
  Write-Output ("  can_trade       {0} {1}" -f $st.risk.can_trade, ($st.risk.reasons -join ', '))
  Write-Output ("  equity          {0} {1}, open positions {2}" -f $st.account.equity, $st.account.currency, $st.account.open_positions)
  foreach ($e in @($st.errors | Select-Object -Last 3)) { if ($null -ne $e) { Write-Output ("  error           {0} {1}" -f $e.time, $e.message) } }
  if ($st.trading_state -eq 'HALTED') { [void]$problems.Add('trading HALTED by the daemon: see logs\paper_live.log') }
}

if ($problems.Count -gt 0) {
  foreach ($p in $problems) { Write-Output "PROBLEM: $p" }
  exit 1
}
Write-Output 'OK'
exit 0
