<#
.SYNOPSIS
Elects preferred or unclean leaders (ElectLeaders, KIP-460), like Kafka's kafka-leader-election.sh.

.DESCRIPTION
PowerShell twin of bin/leader-election.sh. Builds src/Broker.Cli into .build/cli when the build is missing or older
than the sources, then runs 'dotnet .build/cli/Broker.Cli.dll leader-election' with every argument passed through
unchanged. Options, output lines and exit codes are those of the Kafka 3.6 tool.

.PARAMETER Arguments
The tool's options exactly as Kafka's tool takes them (--bootstrap-server, --election-type, --topic, --partition,
--all-topic-partitions, --path-to-json-file, --admin.config).

.EXAMPLE
./bin/leader-election.ps1 --bootstrap-server localhost:9092 --election-type preferred --all-topic-partitions
#>
param(
    [Parameter(ValueFromRemainingArguments = $true)]
    [string[]] $Arguments = @()
)

. (Join-Path $PSScriptRoot 'common.ps1')
$dll = Confirm-Built 'Broker.Cli' 'cli'
& dotnet $dll leader-election @Arguments
exit $LASTEXITCODE
