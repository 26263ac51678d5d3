<#
.SYNOPSIS
Measures produce-to-consume latency, like Kafka's EndToEndLatency.

.DESCRIPTION
Positional arguments as Kafka's tool: broker_list topic num_messages producer_acks message_size_bytes [properties_file].
Sends one message, waits until it is consumed, repeats; prints 'Avg latency: ... ms' and
'Percentiles: 50th = ..., 99th = ..., 99.9th = ...'. With --throughput N it sends at a fixed rate instead and also prints
the percentiles in microseconds.
Takes exactly the options of Kafka's tool (run with --help for the list) and prints the same output lines.
Builds src/Broker.Perf into .build/perf first when the build is missing or older than its sources.

.EXAMPLE
./end-to-end-latency.ps1 localhost:9092 latency-test 10000 1 1024

.NOTES
All arguments are passed through unchanged to "Broker.Perf end-to-end-latency"; the exit code is the tool's.
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
& dotnet $dll end-to-end-latency @args
exit $LASTEXITCODE
