<#
.SYNOPSIS
Moves partitions between brokers (partition reassignment, KIP-455), like Kafka's kafka-reassign-partitions.sh.

.DESCRIPTION
PowerShell twin of bin/reassign-partitions.sh. Builds src/Broker.Cli into .build/cli when the build is missing or older
than the sources, then runs 'dotnet .build/cli/Broker.Cli.dll reassign-partitions' with every argument passed through
unchanged. Output lines, JSON files and exit codes are those of the Kafka 3.6 tool; the requests go through ZooKeeper
(--zookeeper, /admin/reassign_partitions), which the controller carries out.

.PARAMETER Arguments
The tool's options exactly as Kafka's tool takes them (--zookeeper, --generate/--execute/--verify/--cancel/--list,
--topics-to-move-json-file, --broker-list, --disable-rack-aware, --reassignment-json-file, --throttle, --additional,
--preserve-throttles).

.EXAMPLE
./bin/reassign-partitions.ps1 --zookeeper localhost:2181 --reassignment-json-file move.json --execute --throttle 1048576
#>
param(
    [Parameter(ValueFromRemainingArguments = $true)]
    [string[]] $Arguments = @()
)

. (Join-Path $PSScriptRoot 'common.ps1')
$dll = Confirm-Built 'Broker.Cli' 'cli'
& dotnet $dll reassign-partitions @Arguments
exit $LASTEXITCODE
