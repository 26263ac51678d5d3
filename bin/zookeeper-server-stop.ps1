<#
.SYNOPSIS
Stops ZooKeeper servers started on this machine, like Kafka's zookeeper-server-stop.

.PARAMETER Config
Stop only the server started with this properties file.

.EXAMPLE
bin/zookeeper-server-stop.ps1
#>
[CmdletBinding()]
param([Parameter(Position = 0)][string]$Config)
. (Join-Path $PSScriptRoot 'common.ps1')
$arguments = @((Join-Path $PSScriptRoot 'zookeeper-server-stop.sh'))
if ($Config) { $arguments += $Config }
& bash @arguments
exit $LASTEXITCODE
