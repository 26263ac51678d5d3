<#
.SYNOPSIS
Starts a real Apache ZooKeeper server, like Kafka's zookeeper-server-start.

.DESCRIPTION
Runs ZooKeeper's QuorumPeerMain with the given properties file. ZooKeeper is found through ZOOKEEPER_HOME, zkServer.sh
on PATH, or Debian's zookeeper package; when none is present and the script runs as root with apt, the package is
installed. With -Daemon it runs in the background and its output goes to logs/zookeeper.out.

.PARAMETER Config
ZooKeeper's properties file, e.g. config/zookeeper.properties.

.PARAMETER Daemon
Run in the background.

.EXAMPLE
bin/zookeeper-server-start.ps1 config/zookeeper.properties -Daemon
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true, Position = 0)][string]$Config,
    [switch]$Daemon
)
. (Join-Path $PSScriptRoot 'common.ps1')
$arguments = @((Join-Path $PSScriptRoot 'zookeeper-server-start.sh'))
if ($Daemon) { $arguments += '-daemon' }
$arguments += $Config
& bash @arguments
exit $LASTEXITCODE
