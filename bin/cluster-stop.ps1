<#
.SYNOPSIS
Stops the local cluster started by cluster-start: the brokers first (gracefully), then ZooKeeper.

.PARAMETER BrokerConfig
The brokers' properties files (default server-1.properties, server-2.properties, server-3.properties).

.EXAMPLE
bin/cluster-stop.ps1
#>
[CmdletBinding()]
param([Parameter(Position = 0, ValueFromRemainingArguments = $true)][string[]]$BrokerConfig = @())
. (Join-Path $PSScriptRoot 'common.ps1')
& bash (Join-Path $PSScriptRoot 'cluster-stop.sh') @BrokerConfig
exit $LASTEXITCODE
