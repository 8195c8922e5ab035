<#
.SYNOPSIS
  Registers the scheduled task that starts paperlive at boot and keeps it running (run as Administrator).

.DESCRIPTION
  Task 'paperlive_paper_live': at startup, whether or not anyone is logged on, runs
  windows_run_paper_live.ps1 with the absolute path of node.exe found now (a SYSTEM task
  sees only the machine PATH, not yours). No execution time limit (the default stops a task
  after 72 hours), runs on battery, starts late if the machine was off at the trigger time,
  never two at once, and Task Scheduler retries if the runner itself fails to run.
  Registering again replaces the task.

.EXAMPLE
  powershell -ExecutionPolicy Bypass -File scripts\ops\windows_install_task.ps1
.EXAMPLE
  powershell -ExecutionPolicy Bypass -File scripts\ops\windows_install_task.ps1 -User 'MYPC\trader'
#>
#Requires -RunAsAdministrator
[CmdletBinding()]
param(
  [string]$TaskName = 'paperlive_paper_live',
  # node.exe for the task; default: the one on your PATH now, made absolute.
  [string]$NodePath = '',
  # SYSTEM (default), or an account such as 'MYPC\trader' (asks for its password).
  [string]$User = 'SYSTEM',
  # Wait after boot before starting (network, time sync).
  [ValidateRange(0, 3600)]
  [int]$StartupDelaySeconds = 60,
  # Start the task once registered.
  [switch]$StartNow
)
$ErrorActionPreference = 'Stop'

$RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '..\..')).Path
$Runner = Join-Path $RepoRoot 'scripts\ops\windows_run_paper_live.ps1'
$Cli = Join-Path $RepoRoot 'dist\cli\main.js'
if (-not (Test-Path $Cli)) { Write-Error "$Cli is missing: run 'npm ci' and 'npm run build' in $RepoRoot first"; exit 1 }

# Resolve node.exe now, as an absolute path: the task must not depend on a PATH.
if ($NodePath -eq '') {
  $found = Get-Command node.exe -ErrorAction SilentlyContinue
  if ($null -eq $found) { Write-Error 'node.exe is not on PATH; pass -NodePath "C:\Program Files\nodejs\node.exe"'; exit 1 }
  $NodePath = $found.Source
}
$NodePath = (Resolve-Path $NodePath).Path
& $NodePath --version | Out-Null
if ($LASTEXITCODE -ne 0) { Write-Error "$NodePath does not run"; exit 1 }

$PowerShellExe = Join-Path $env:SystemRoot 'System32\WindowsPowerShell\v1.0\powershell.exe'
$Arguments = '-NoProfile -NonInteractive -ExecutionPolicy Bypass -File "{0}" -NodePath "{1}"' -f $Runner, $NodePath
$action = New-ScheduledTaskAction -Execute $PowerShellExe -Argument $Arguments -WorkingDirectory $RepoRoot

$trigger = New-ScheduledTaskTrigger -AtStartup
if ($StartupDelaySeconds -gt 0) { $trigger.Delay = [System.Xml.XmlConvert]::ToString([TimeSpan]::FromSeconds($StartupDelaySeconds)) }

$settings = New-ScheduledTaskSettingsSet `
  -ExecutionTimeLimit ([TimeSpan]::Zero) `
  -AllowStartIfOnBatteries `
  -DontStopIfGoingOnBatteries `
  -StartWhenAvailable `
  -MultipleInstances IgnoreNew `
  -RestartCount 10 `
  -RestartInterval (New-TimeSpan -Minutes 1) `
  -Priority 5 `
  -Compatibility Win8
# Priority 5: normal process priority (the default 7 runs the task below normal).

$description = "paperlive paper trading daemon ($RepoRoot). Stop it with scripts\ops\windows_stop_paper_live.ps1, not by ending the task."
if ($User -eq 'SYSTEM') {
  $principal = New-ScheduledTaskPrincipal -UserId 'SYSTEM' -LogonType ServiceAccount -RunLevel Highest
  Register-ScheduledTask -TaskName $TaskName -Description $description -Action $action -Trigger $trigger -Settings $settings -Principal $principal -Force | Out-Null
} else {
  # "Run whether user is logged on or not" for an account needs its password (stored by Windows).
  $credential = Get-Credential -UserName $User -Message "Password of $User, to run $TaskName whether or not $User is logged on"
  if ($null -eq $credential) { Write-Error 'no password given'; exit 1 }
  Register-ScheduledTask -TaskName $TaskName -Description $description -Action $action -Trigger $trigger -Settings $settings `
    -User $credential.UserName -Password $credential.GetNetworkCredential().Password -RunLevel Highest -Force | Out-Null
}

$task = Get-ScheduledTask -TaskName $TaskName
Write-Output "Registered scheduled task '$TaskName':"
Write-Output ("  run as          {0} (logon type {1}, run level {2})" -f $task.Principal.UserId, $task.Principal.LogonType, $task.Principal.RunLevel)
Write-Output ("  trigger         at startup, delay {0}" -f $task.Triggers[0].Delay)
Write-Output ("  action          {0} {1}" -f $task.Actions[0].Execute, $task.Actions[0].Arguments)
Write-Output ("  working dir     {0}" -f $task.Actions[0].WorkingDirectory)
Write-Output ("  node            {0}" -f $NodePath)
Write-Output ("  time limit      {0} (PT0S = none)" -f $task.Settings.ExecutionTimeLimit)
Write-Output ("  batteries       start: {0}, stop when on battery: {1}" -f (-not $task.Settings.DisallowStartIfOnBatteries), $task.Settings.StopIfGoingOnBatteries)
Write-Output ("  missed start    start when available: {0}" -f $task.Settings.StartWhenAvailable)
Write-Output ("  instances       {0}" -f $task.Settings.MultipleInstances)
Write-Output ("  restart         {0} times, every {1}" -f $task.Settings.RestartCount, $task.Settings.RestartInterval)
if ($task.Settings.ExecutionTimeLimit -ne 'PT0S') { Write-Warning 'ExecutionTimeLimit is not PT0S: Windows will stop paperlive after that time.' }

if ($StartNow) {
  Start-ScheduledTask -TaskName $TaskName
  Write-Output "Started. Check in a minute: powershell -ExecutionPolicy Bypass -File scripts\ops\windows_status.ps1"
} else {
  Write-Output "It starts at the next boot. To start it now: Start-ScheduledTask -TaskName $TaskName"
}
