<#
.SYNOPSIS
Sends records as fast as allowed and prints throughput and latency, like Kafka's kafka-producer-perf-test.

.DESCRIPTION
Every 5 seconds prints 'N records sent, X records/sec (Y MB/sec), A ms avg latency, B ms max latency.' and at the end the
same line with the 50th, 95th, 99th and 99.9th latency percentiles. --instances N runs N producers that share the records. --key-space N gives each record a key drawn from N keys (key-0 .. key-N-1), for compacted topics.
Takes exactly the options of Kafka's tool (run with --help for the list) and prints the same output lines.
Builds src/Broker.Perf into .build/perf first when the build is missing or older than its sources.

.EXAMPLE
./producer-perf-test.ps1 --topic test --num-records 1000000 --record-size 100 --throughput -1 --producer-props bootstrap.servers=localhost:9092 acks=1 linger.ms=5

.NOTES
All arguments are passed through unchanged to "Broker.Perf producer-perf-test"; the exit code is the tool's.
#>

. (Join-Path $PSScriptRoot 'common.ps1')
$dll = Confirm-Built 'Broker.Perf' 'perf'
& dotnet $dll producer-perf-test @args
exit $LASTEXITCODE
