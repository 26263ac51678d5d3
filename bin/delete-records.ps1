<#
.SYNOPSIS
Deletes records below the given offsets (moves the partitions' log start), like Kafka's kafka-delete-records.sh.

.DESCRIPTION
PowerShell twin of bin/delete-records.sh. Builds src/Broker.Cli into .build/cli when the build is missing or older
than the sources, then runs 'dotnet .build/cli/Broker.Cli.dll delete-records' with every argument passed through
unchanged. The offset JSON file is Kafka's: {"partitions": [{"topic": "t", "partition": 0, "offset": 500}],
"version": 1}, offset -1 meaning the high watermark. Output and exit codes are those of the Kafka 3.6 tool.

.PARAMETER Arguments
The tool's options exactly as Kafka's tool takes them (--bootstrap-server, --offset-json-file, --command-config).

.EXAMPLE
./bin/delete-records.ps1 --bootstrap-server localhost:9092 --offset-json-file offsets.json
#>
param(
    [Parameter(ValueFromRemainingArguments = $true)]
    [string[]] $Arguments = @()
)

. (Join-Path $PSScriptRoot 'common.ps1')
$dll = Confirm-Built 'Broker.Cli' 'cli'
& dotnet $dll delete-records @Arguments
exit $LASTEXITCODE
