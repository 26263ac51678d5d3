<#
.SYNOPSIS
Describes the log dirs of brokers (DescribeLogDirs), like Kafka's kafka-log-dirs.sh.

.DESCRIPTION
PowerShell twin of bin/log-dirs.sh. Builds src/Broker.Cli into .build/cli when the build is missing or older than the
sources, then runs 'dotnet .build/cli/Broker.Cli.dll log-dirs' with every argument passed through unchanged. Options,
output and exit codes are those of the Kafka 3.6 tool; run with --help for the full option list.

.PARAMETER Arguments
The tool's options exactly as Kafka's tool takes them (double-dash options such as --bootstrap-server are passed
through untouched).

.EXAMPLE
./bin/log-dirs.ps1 --describe --bootstrap-server localhost:9092 --topic-list orders
#>
param(
    [Parameter(ValueFromRemainingArguments = $true)]
    [string[]] $Arguments = @()
)

. (Join-Path $PSScriptRoot 'common.ps1')
$dll = Confirm-Built 'Broker.Cli' 'cli'
& dotnet $dll log-dirs @Arguments
exit $LASTEXITCODE
