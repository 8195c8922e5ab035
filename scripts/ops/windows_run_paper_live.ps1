<#
.SYNOPSIS
  Runs the paperlive daemon for this repository in the foreground and restarts it when it crashes.

.DESCRIPTION
  The 24/7 runner that the scheduled task starts (see docs/windows.md). The home is the
  repository. The daemon's stdout and stderr are appended to logs\paper_live_longrun.out.log
  and logs\paper_live_longrun.err.log; the runner's own lines go to the .out.log too.

  After a crash the runner waits and starts the daemon again; the wait doubles after each
  quick crash, up to -MaxDelaySeconds, and resets after a run of -StableAfterSeconds.
  It stops looping (and exits with the daemon's code) on:
    0  clean stop (SHUTDOWN file, Ctrl+C, windows_stop_paper_live.ps1)
    3  another paperlive already holds this home
    4  emergency stop (EMERGENCY_STOP file present)
    78 invalid config
  and whenever windows_stop_paper_live.ps1 has asked it to stop.

.EXAMPLE
  powershell -ExecutionPolicy Bypass -File scripts\ops\windows_run_paper_live.ps1
#>
[CmdletBinding()]
param(
  # node.exe to run; default: the one on PATH. The scheduled task passes an absolute path.
  [string]$NodePath = '',
  # Wait before the first restart after a crash.
  [ValidateRange(1, 3600)]
  [int]$InitialDelaySeconds = 5,
  # Longest wait between restarts.
  [ValidateRange(1, 86400)]
  [int]$MaxDelaySeconds = 300,
  # A run at least this long resets the wait to -InitialDelaySeconds.
  [ValidateRange(1, 86400)]
  [int]$StableAfterSeconds = 600
)
$ErrorActionPreference = 'Stop'

$RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '..\..')).Path
$PaperHome = $RepoRoot
$Cli = Join-Path $RepoRoot 'dist\cli\main.js'
$LogDir = Join-Path $PaperHome 'logs'
$OutLog = Join-Path $LogDir 'paper_live_longrun.out.log'
$ErrLog = Join-Path $LogDir 'paper_live_longrun.err.log'
# Written by windows_stop_paper_live.ps1: do not restart, whatever the exit code.
$StopMarker = Join-Path $LogDir 'paper_live_runner.stop'

# Exit codes after which a restart cannot help; the runner ends with that code.
$StopCodes = @(0, 3, 4, 78)
$StopReasons = @{
  0  = 'clean stop (SHUTDOWN, Ctrl+C or the stop script)'
  3  = 'another paperlive already holds this home: check windows_status.ps1'
  4  = 'EMERGENCY STOP: review positions and logs, then delete EMERGENCY_STOP and start again'
  78 = 'invalid config: fix configs\paper_live.yaml (the error is in the .err.log), then start again'
}

function Write-RunnerLog([string]$Message) {
  $line = '{0} runner[{1}]: {2}' -f (Get-Date).ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ'), $PID, $Message
  Write-Output $line
  [System.IO.File]::AppendAllText($OutLog, $line + [Environment]::NewLine)
}

if (-not (Test-Path $LogDir)) { New-Item -ItemType Directory -Path $LogDir | Out-Null }
if ($NodePath -eq '') {
  $found = Get-Command node.exe -ErrorAction SilentlyContinue
  if ($null -eq $found) { Write-Error 'node.exe is not on PATH; pass -NodePath "C:\Program Files\nodejs\node.exe"'; exit 1 }
  $NodePath = $found.Source
}
if (-not (Test-Path $NodePath)) { Write-Error "node not found at $NodePath"; exit 1 }
if (-not (Test-Path $Cli)) { Write-Error "$Cli is missing: run 'npm ci' and 'npm run build' in $RepoRoot"; exit 1 }
Remove-Item -Force -ErrorAction SilentlyContinue $StopMarker
Set-Location $PaperHome

# cmd.exe does the appending redirection: PowerShell 5.1 would re-encode the daemon's
# output as UTF-16 and turn every stderr line into an error record.
$CommandLine = '""{0}" "{1}" run --home "{2}" >> "{3}" 2>> "{4}""' -f $NodePath, $Cli, $PaperHome, $OutLog, $ErrLog

$delay = $InitialDelaySeconds
while ($true) {
  Write-RunnerLog "starting: $NodePath $Cli run --home $PaperHome"
  $started = Get-Date
  & cmd.exe /d /s /c $CommandLine
  $code = $LASTEXITCODE
  $ranSeconds = [int]((Get-Date) - $started).TotalSeconds

  if (Test-Path $StopMarker) {
    Remove-Item -Force -ErrorAction SilentlyContinue $StopMarker
    Write-RunnerLog "paperlive exited with code $code after $ranSeconds s; the stop script asked for a stop: not restarting"
    exit 0
  }
  if ($StopCodes -contains $code) {
    Write-RunnerLog ("paperlive exited with code {0} after {1} s: {2}; not restarting" -f $code, $ranSeconds, $StopReasons[$code])
    exit $code
  }
  if ($ranSeconds -ge $StableAfterSeconds) { $delay = $InitialDelaySeconds }
  Write-RunnerLog "paperlive exited with code $code after $ranSeconds s (crash); restarting in $delay s"
  Start-Sleep -Seconds $delay
  $delay = [Math]::Min($delay * 2, $MaxDelaySeconds)
}
