<#
.SYNOPSIS
Starts one broker, like Kafka's kafka-server-start.

.DESCRIPTION
Runs the broker with a Kafka-format .properties file. Builds the broker first when the build is missing or older than
the sources. In the foreground Ctrl+C stops it gracefully; with -Daemon it runs in the background, its output goes to
logs/<config name>.out and the process id is printed.

.PARAMETER Config
The broker's .properties file (e.g. config/server.properties or server-1.properties).

.PARAMETER Override
Settings that replace the file's, as key=value (Kafka's --override). Repeatable.

.PARAMETER Daemon
Run in the background.

.EXAMPLE
bin/server-start.ps1 config/server.properties

.EXAMPLE
bin/server-start.ps1 server-1.properties -Override log.retention.hours=24 -Daemon
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true, Position = 0)][string]$Config,
    [string[]]$Override = @(),
    [switch]$Daemon
)
. (Join-Path $PSScriptRoot 'common.ps1')
if (-not (Test-Path $Config)) { Stop-WithError "config file '$Config' not found" }
$dll = Confirm-Built 'Broker.Host' 'broker'
$env:BROKER_HOME = $BrokerHome
$arguments = @($dll, $Config)
foreach ($o in $Override) { $arguments += @('--override', $o) }
if ($Daemon) {
    $logDir = if ($env:BROKER_LOG_DIR) { $env:BROKER_LOG_DIR } else { Join-Path $BrokerHome 'logs' }
    New-Item -ItemType Directory -Force -Path $logDir | Out-Null
    $name = [IO.Path]::GetFileNameWithoutExtension($Config)
    $out = Join-Path $logDir "$name.out"
    $p = Start-Process -FilePath 'dotnet' -ArgumentList $arguments -RedirectStandardOutput $out -RedirectStandardError "$out.err" -PassThru
    Write-Output $p.Id
    [Console]::Error.WriteLine("Broker started in the background (pid $($p.Id)); output in $out")
}
else {
    & dotnet @arguments
    exit $LASTEXITCODE
}
