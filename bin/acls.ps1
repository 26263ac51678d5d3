<#
.SYNOPSIS
Adds, removes or lists ACLs, like Kafka's kafka-acls.sh.

.DESCRIPTION
PowerShell twin of bin/acls.sh. Builds src/Broker.Cli into .build/cli when the build is missing or older than the
sources, then runs 'dotnet .build/cli/Broker.Cli.dll acls' with every argument passed through unchanged. Options,
output and exit codes are those of the Kafka 3.6 tool; run with --help for the full option list.

.PARAMETER Arguments
The tool's options exactly as Kafka's tool takes them (double-dash options such as --bootstrap-server are passed
through untouched).

.EXAMPLE
./bin/acls.ps1 --bootstrap-server localhost:9092 --command-config admin.properties --add --allow-principal User:alice --producer --topic orders
#>
param(
    [Parameter(ValueFromRemainingArguments = $true)]
    [string[]] $Arguments = @()
)

. (Join-Path $PSScriptRoot 'common.ps1')
$dll = Confirm-Built 'Broker.Cli' 'cli'
& dotnet $dll acls @Arguments
exit $LASTEXITCODE
