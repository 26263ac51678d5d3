<#
.SYNOPSIS
Decodes log segment, index, time index and producer snapshot files offline, like Kafka's kafka-dump-log.sh.

.DESCRIPTION
PowerShell twin of bin/dump-log.sh. Builds src/Broker.Cli into .build/cli when the build is missing or older than the
sources, then runs 'dotnet .build/cli/Broker.Cli.dll dump-log' with every argument passed through unchanged. Options,
output and exit codes are those of the Kafka 3.6 tool; run with --help for the full option list.

.PARAMETER Arguments
The tool's options exactly as Kafka's tool takes them (double-dash options such as --bootstrap-server are passed
through untouched).

.EXAMPLE
./bin/dump-log.ps1 --files data/orders-0/00000000000000000000.log --print-data-log
#>
param(
    [Parameter(ValueFromRemainingArguments = $true)]
    [string[]] $Arguments = @()
)

. (Join-Path $PSScriptRoot 'common.ps1')
$dll = Confirm-Built 'Broker.Cli' 'cli'
& dotnet $dll dump-log @Arguments
exit $LASTEXITCODE
