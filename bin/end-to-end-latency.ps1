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

. (Join-Path $PSScriptRoot 'common.ps1')
$dll = Confirm-Built 'Broker.Perf' 'perf'
& dotnet $dll end-to-end-latency @args
exit $LASTEXITCODE
