<#
.SYNOPSIS
Stops brokers gracefully, like Kafka's kafka-server-stop.

.DESCRIPTION
Sends SIGTERM to the broker processes of this machine (stop accepting, finish in-flight requests, flush logs) and waits
up to 30 seconds for them to exit. With -Config only the broker started with that file is stopped.

.PARAMETER Config
Stop only the broker whose command line contains this config file name.

.EXAMPLE
bin/server-stop.ps1

.EXAMPLE
bin/server-stop.ps1 server-2.properties
#>
[CmdletBinding()]
param([Parameter(Position = 0)][string]$Config)
. (Join-Path $PSScriptRoot 'common.ps1')
$targets = @(Get-Process -Name dotnet -ErrorAction SilentlyContinue | Where-Object {
    $cmd = $_.CommandLine
    $cmd -and $cmd -match 'Broker\.Host\.dll' -and (-not $Config -or $cmd.Contains($Config))
})
if ($targets.Count -eq 0) { [Console]::Error.WriteLine('No broker to stop'); exit 1 }
foreach ($p in $targets) { & kill -TERM $p.Id }
$deadline = (Get-Date).AddSeconds(30)
while ((Get-Date) -lt $deadline) {
    if (-not ($targets | Where-Object { -not $_.HasExited })) { exit 0 }
    Start-Sleep -Milliseconds 100
}
Stop-WithError "broker(s) $($targets.Id -join ' ') did not stop within 30 s"
