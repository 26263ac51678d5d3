<#
.SYNOPSIS
Prints the records of a topic on standard output, like Kafka's kafka-console-consumer.sh.

.DESCRIPTION
PowerShell twin of bin/console-consumer.sh. Builds src/Broker.Cli into .build/cli when the build is missing or older than the
sources, then runs 'dotnet .build/cli/Broker.Cli.dll console-consumer' with every argument passed through unchanged. Options,
output and exit codes are those of the Kafka 3.6 tool; run with --help for the full option list.

.PARAMETER Arguments
The tool's options exactly as Kafka's tool takes them (double-dash options such as --bootstrap-server are passed
through untouched).

.EXAMPLE
./bin/console-consumer.ps1 --bootstrap-server localhost:9092 --topic my-topic --from-beginning --max-messages 10 --property print.key=true
#>
param(
    [Parameter(ValueFromRemainingArguments = $true)]
    [string[]] $Arguments = @()
)

. (Join-Path $PSScriptRoot 'common.ps1')
$dll = Confirm-Built 'Broker.Cli' 'cli'
& dotnet $dll console-consumer @Arguments
exit $LASTEXITCODE
