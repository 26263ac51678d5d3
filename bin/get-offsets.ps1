<#
.SYNOPSIS
Prints partition offsets (earliest, latest, max timestamp or by time), like Kafka's kafka-get-offsets.sh.

.DESCRIPTION
PowerShell twin of bin/get-offsets.sh. Builds src/Broker.Cli into .build/cli when the build is missing or older than the
sources, then runs 'dotnet .build/cli/Broker.Cli.dll get-offsets' with every argument passed through unchanged. Options,
output and exit codes are those of the Kafka 3.6 tool; run with --help for the full option list.

.PARAMETER Arguments
The tool's options exactly as Kafka's tool takes them (double-dash options such as --bootstrap-server are passed
through untouched).

.EXAMPLE
./bin/get-offsets.ps1 --bootstrap-server localhost:9092 --topic orders --time -1
#>
param(
    [Parameter(ValueFromRemainingArguments = $true)]
    [string[]] $Arguments = @()
)

. (Join-Path $PSScriptRoot 'common.ps1')
$dll = Confirm-Built 'Broker.Cli' 'cli'
& dotnet $dll get-offsets @Arguments
exit $LASTEXITCODE
