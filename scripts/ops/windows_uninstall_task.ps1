<#
.SYNOPSIS
  Stops paperlive cleanly (unless -KeepRunning) and removes its scheduled task (run as Administrator).

.EXAMPLE
  powershell -ExecutionPolicy Bypass -File scripts\ops\windows_uninstall_task.ps1
#>
#Requires -RunAsAdministrator
[CmdletBinding()]
param(
  [string]$TaskName = 'paperlive_paper_live',
  # Remove the task but leave a running daemon alone.
  [switch]$KeepRunning,
  # Passed to windows_stop_paper_live.ps1.
  [ValidateRange(1, 3600)]
  [int]$TimeoutSeconds = 60
)
$ErrorActionPreference = 'Stop'

$task = Get-ScheduledTask -TaskName $TaskName -ErrorAction SilentlyContinue
if ($null -eq $task) {
  Write-Output "No scheduled task '$TaskName': nothing to remove."
  exit 0
}
if (-not $KeepRunning) {
  # A clean stop first: ending the task would kill the runner and orphan or kill the daemon.
  & (Join-Path $PSScriptRoot 'windows_stop_paper_live.ps1') -TimeoutSeconds $TimeoutSeconds
}
Unregister-ScheduledTask -TaskName $TaskName -Confirm:$false
if ($null -ne (Get-ScheduledTask -TaskName $TaskName -ErrorAction SilentlyContinue)) {
  Write-Error "Scheduled task '$TaskName' is still registered."
  exit 1
}
Write-Output "Removed scheduled task '$TaskName'. paperlive will not start at boot any more."
