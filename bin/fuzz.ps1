<#
.SYNOPSIS
Hostile-input mutation fuzzer: mutated request frames and abandoned long polls against one broker.

.DESCRIPTION
Starts ZooKeeper and one broker, sends seeded mutations of valid request frames (every API and version, plus frames
captured from real clients) over many connections, checks the broker after every batch with a clean round trip and
that nothing was appended to a control topic, optionally opens and abandons long polls, and compares the broker's RSS
and open handles (from /proc, so Linux only) with their baseline at the end. A failing batch's frames are saved under
.build/fuzz-failures/. Builds the broker and tests/Broker.Fuzz first.

.EXAMPLE
./fuzz.ps1 --seed 42 --frames 1000000 --abandoned-polls 20000

.NOTES
Options: --seed N --frames N --duration 90s|15m|2h --abandoned-polls N --connections N --batch N --handle-tolerance N
--rss-tolerance-mib N. Exit 0 only when the broker stayed up and returned to its baseline.
#>

. (Join-Path $PSScriptRoot 'common.ps1')
$null = Confirm-Built 'Broker.Host' 'broker'
$out = Join-Path $BrokerBuildDir 'fuzz'
& dotnet build (Join-Path $BrokerHome 'tests/Broker.Fuzz/Broker.Fuzz.csproj') -c Release -o $out -nologo -v q -clp:ErrorsOnly |
    ForEach-Object { [Console]::Error.WriteLine($_) }
if ($LASTEXITCODE -ne 0) { Stop-WithError 'build of tests/Broker.Fuzz failed' }
& dotnet (Join-Path $out 'Broker.Fuzz.dll') @args
exit $LASTEXITCODE
