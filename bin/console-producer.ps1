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

. (Join-Path $PSScriptRoot 'common.ps1')
$dll = Confirm-Built 'Broker.Cli' 'cli'
& dotnet $dll console-producer @Arguments
exit $LASTEXITCODE
