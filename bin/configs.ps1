<#
.SYNOPSIS
Adds, deletes or describes entity configs (SCRAM users), like Kafka's kafka-configs.sh.

.DESCRIPTION
PowerShell twin of bin/configs.sh. Builds src/Broker.Cli into .build/cli when the build is missing or older than the
sources, then runs 'dotnet .build/cli/Broker.Cli.dll configs' with every argument passed through unchanged. Options,
output and exit codes are those of the Kafka 3.6 tool; run with --help for the full option list.

.PARAMETER Arguments
The tool's options exactly as Kafka's tool takes them (double-dash options such as --bootstrap-server are passed
through untouched).

.EXAMPLE
./bin/configs.ps1 --zookeeper localhost:2181 --alter --add-config 'SCRAM-SHA-512=[password=alice-secret]' --entity-type users --entity-name alice
#>
param(
    [Parameter(ValueFromRemainingArguments = $true)]
    [string[]] $Arguments = @()
)

. (Join-Path $PSScriptRoot 'common.ps1')
$dll = Confirm-Built 'Broker.Cli' 'cli'
& dotnet $dll configs @Arguments
exit $LASTEXITCODE
