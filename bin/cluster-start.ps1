<#
.SYNOPSIS
Starts the local cluster: ZooKeeper plus the brokers of server-1.properties … server-3.properties.

.DESCRIPTION
Installs ZooKeeper when missing, builds the broker when needed, starts ZooKeeper (config/zookeeper.properties) and the
three brokers in the background, waits until every broker is registered in ZooKeeper and a controller is elected, then
prints the bootstrap servers. Stop it with bin/cluster-stop.ps1.

.PARAMETER ZookeeperConfig
ZooKeeper's properties file (default config/zookeeper.properties).

.PARAMETER BrokerConfig
The brokers' properties files (default server-1.properties, server-2.properties, server-3.properties).

.EXAMPLE
bin/cluster-start.ps1
#>
[CmdletBinding()]
param(
    [string]$ZookeeperConfig = 'config/zookeeper.properties',
    [Parameter(Position = 0, ValueFromRemainingArguments = $true)][string[]]$BrokerConfig = @()
)
. (Join-Path $PSScriptRoot 'common.ps1')
$arguments = @((Join-Path $PSScriptRoot 'cluster-start.sh'), '--zookeeper-config', $ZookeeperConfig) + $BrokerConfig
& bash @arguments
exit $LASTEXITCODE
