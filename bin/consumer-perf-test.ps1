<#
.SYNOPSIS
Reads records and prints consumer throughput, like Kafka's kafka-consumer-perf-test.

.DESCRIPTION
Prints Kafka's CSV header (start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec,
rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec) and one row. Without --group every partition is assigned
directly (no consumer group needed); with --group the tool subscribes, which needs group support in the broker.
Takes exactly the options of Kafka's tool (run with --help for the list) and prints the same output lines.
Builds src/Broker.Perf into .build/perf first when the build is missing or older than its sources.

.EXAMPLE
./consumer-perf-test.ps1 --bootstrap-server localhost:9092 --topic test --messages 1000000

.NOTES
All arguments are passed through unchanged to "Broker.Perf consumer-perf-test"; the exit code is the tool's.
#>

. (Join-Path $PSScriptRoot 'common.ps1')
$dll = Confirm-Built 'Broker.Perf' 'perf'
& dotnet $dll consumer-perf-test @args
exit $LASTEXITCODE
