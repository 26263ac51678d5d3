<#
.SYNOPSIS
Publishes lines from standard input to a topic, like Kafka's kafka-console-producer.sh.

.DESCRIPTION
PowerShell twin of bin/console-producer.sh. Builds src/Broker.Cli into .build/cli when the build is missing or older than the
sources, then runs 'dotnet .build/cli/Broker.Cli.dll console-producer' with every argument passed through unchanged. Options,
output and exit codes are those of the Kafka 3.6 tool; run with --help for the full option list.

.PARAMETER Arguments
The tool's options exactly as Kafka's tool takes them (double-dash options such as --bootstrap-server are passed
through untouched).

.EXAMPLE
'k1:hello' | ./bin/console-producer.ps1 --bootstrap-server localhost:9092 --topic my-topic --property parse.key=true --property key.separator=:
#>
param(
    [Parameter(ValueFromRemainingArguments = $true)]
    [string[]] $Arguments = @()
)

$ErrorActionPreference = 'Stop'
$root = Split-Path -Parent $PSScriptRoot
$buildDir = if ($env:BROKER_BUILD_DIR) { $env:BROKER_BUILD_DIR } else { Join-Path $root '.build' }
$out = Join-Path $buildDir 'cli'
$dll = Join-Path $out 'Broker.Cli.dll'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'; $env:DOTNET_NOLOGO = '1'

if (-not (Get-Command dotnet -ErrorAction SilentlyContinue)) {
    Write-Error 'the .NET SDK (dotnet) is not on PATH; install .NET 10 first'
    exit 1
}

$stale = -not (Test-Path $dll)
if (-not $stale) {
    $built = (Get-Item $dll).LastWriteTimeUtc
    $sources = @(Get-ChildItem -Path (Join-Path $root 'src') -Recurse -File -Include *.cs, *.csproj, *.json -ErrorAction SilentlyContinue |
        Where-Object { $_.FullName -notmatch '[\\/](obj|bin)[\\/]' }) +
        @(Get-Item (Join-Path $root 'Directory.Build.props'), (Join-Path $root 'Directory.Packages.props') -ErrorAction SilentlyContinue)
    $stale = [bool]($sources | Where-Object { $_.LastWriteTimeUtc -gt $built } | Select-Object -First 1)
}
if ($stale) {
    [Console]::Error.WriteLine("Building Broker.Cli (Release) into $out ...")
    & dotnet build (Join-Path $root 'src/Broker.Cli/Broker.Cli.csproj') -c Release -o $out -nologo -v q -clp:ErrorsOnly | ForEach-Object { [Console]::Error.WriteLine($_) }
    if ($LASTEXITCODE -ne 0) { Write-Error 'build of Broker.Cli failed'; exit 1 }
    # An up-to-date incremental build keeps the old timestamp; mark it fresh so the next run does not rebuild.
    (Get-Item $dll).LastWriteTimeUtc = [DateTime]::UtcNow
}

& dotnet $dll console-producer @Arguments
exit $LASTEXITCODE
