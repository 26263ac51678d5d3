<#
.SYNOPSIS
Sends records as fast as allowed and prints throughput and latency, like Kafka's kafka-producer-perf-test.

.DESCRIPTION
Every 5 seconds prints 'N records sent, X records/sec (Y MB/sec), A ms avg latency, B ms max latency.' and at the end the
same line with the 50th, 95th, 99th and 99.9th latency percentiles. --instances N runs N producers that share the records.
Takes exactly the options of Kafka's tool (run with --help for the list) and prints the same output lines.
Builds src/Broker.Perf into .build/perf first when the build is missing or older than its sources.

.EXAMPLE
./producer-perf-test.ps1 --topic test --num-records 1000000 --record-size 100 --throughput -1 --producer-props bootstrap.servers=localhost:9092 acks=1 linger.ms=5

.NOTES
All arguments are passed through unchanged to "Broker.Perf producer-perf-test"; the exit code is the tool's.
#>

$root = Split-Path -Parent $PSScriptRoot
$out = Join-Path $root '.build/perf'
$dll = Join-Path $out 'Broker.Perf.dll'
$project = Join-Path $root 'src/Broker.Perf/Broker.Perf.csproj'
$built = if (Test-Path $dll) { (Get-Item $dll).LastWriteTime } else { [datetime]::MinValue }
$stale = Get-ChildItem (Join-Path $root 'src/Broker.Perf'), (Join-Path $root 'Directory.Build.props'), (Join-Path $root 'Directory.Packages.props') -Recurse -File |
    Where-Object { $_.Extension -in '.cs', '.csproj', '.props' -and $_.FullName -notmatch '[\\/](bin|obj)[\\/]' -and $_.LastWriteTime -gt $built } |
    Select-Object -First 1
if ($stale) {
    Write-Host "Building Broker.Perf (Release) into $out ..."
    dotnet build $project -c Release -o $out -nologo -v q -clp:ErrorsOnly | Out-Host
    if ($LASTEXITCODE -ne 0) { Write-Error "build of Broker.Perf failed"; exit 1 }
}
& dotnet $dll producer-perf-test @args
exit $LASTEXITCODE
