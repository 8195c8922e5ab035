<#
.SYNOPSIS
  Stops paperlive cleanly: writes SHUTDOWN, waits for the process to exit, forces it only after the timeout.

.DESCRIPTION
  1. Tells windows_run_paper_live.ps1 not to restart (logs\paper_live_runner.stop).
  2. Writes the SHUTDOWN control file in the home: the daemon keeps its positions (they are
     restored at the next start), writes a final status and heartbeat, and exits 0.
  3. Waits up to -TimeoutSeconds for the pid in logs\paper_live.pid to exit.
  4. Only if it is still running then: Stop-Process -Force (positions are restored from the
     ledger at the next start; the last seconds of status may be missing).
  Says which of the two happened. Exit code 0 clean stop or not running, 1 forced, 2 failed.
  Run it from an elevated PowerShell when the task runs as SYSTEM.

.EXAMPLE
  powershell -ExecutionPolicy Bypass -File scripts\ops\windows_stop_paper_live.ps1
#>
[CmdletBinding()]
param(
  # How long to wait for a clean exit before forcing.
  [ValidateRange(1, 3600)]
  [int]$TimeoutSeconds = 60,
  # Home folder; default: the repository.
  [string]$PaperHome = ''
)
$ErrorActionPreference = 'Stop'

if ($PaperHome -eq '') { $PaperHome = (Resolve-Path (Join-Path $PSScriptRoot '..\..')).Path }
$PidFile = Join-Path $PaperHome 'logs\paper_live.pid'
$ShutdownFile = Join-Path $PaperHome 'SHUTDOWN'
$StopMarker = Join-Path $PaperHome 'logs\paper_live_runner.stop'

if (-not (Test-Path $PidFile)) {
  Write-Output "paperlive is not running in $PaperHome (no logs\paper_live.pid)."
  exit 0
}
$pidText = [string](Get-Content $PidFile -TotalCount 1)
if ($pidText -notmatch '^\s*(\d+)') {
  Write-Output "logs\paper_live.pid does not hold a pid ('$pidText'); is paperlive starting? Try again in a few seconds."
  exit 2
}
$daemonPid = [int]$Matches[1]
if ($null -eq (Get-Process -Id $daemonPid -ErrorAction SilentlyContinue)) {
  Write-Output "paperlive is not running: logs\paper_live.pid names $daemonPid, which is gone (it crashed or was killed)."
  exit 0
}

# The runner must not bring it back, whichever way it ends.
[System.IO.File]::WriteAllText($StopMarker, "stop requested at $((Get-Date).ToUniversalTime().ToString('o'))")
# Ask for a clean stop.
[System.IO.File]::WriteAllText($ShutdownFile, "requested by windows_stop_paper_live.ps1")
Write-Output "Wrote $ShutdownFile; waiting up to $TimeoutSeconds s for pid $daemonPid to exit..."

$deadline = (Get-Date).AddSeconds($TimeoutSeconds)
while ((Get-Date) -lt $deadline) {
  if ($null -eq (Get-Process -Id $daemonPid -ErrorAction SilentlyContinue)) {
    Write-Output "CLEAN STOP: paperlive (pid $daemonPid) exited after SHUTDOWN; positions are kept and restored at the next start."
    exit 0
  }
  Start-Sleep -Milliseconds 500
}

Write-Output "paperlive (pid $daemonPid) did not exit within $TimeoutSeconds s; forcing it."
Stop-Process -Id $daemonPid -Force -ErrorAction SilentlyContinue
Start-Sleep -Seconds 2
if ($null -ne (Get-Process -Id $daemonPid -ErrorAction SilentlyContinue)) {
  Write-Output "FAILED: pid $daemonPid is still running (run this from an elevated PowerShell)."
  exit 2
}
# Unread, it would stop the next start at once.
Remove-Item -Force -ErrorAction SilentlyContinue $ShutdownFile
Write-Output "FORCED STOP: Stop-Process -Force ended pid $daemonPid. Positions are restored from the ledger at the next start; check logs\paper_live.log for why it did not stop cleanly."
exit 1
