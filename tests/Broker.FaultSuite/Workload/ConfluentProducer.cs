using Confluent.Kafka;

namespace Broker.FaultSuite.Workload;

/// <summary>
/// librdkafka (Confluent.Kafka 2.16) idempotent acks=all producer: values "cs-N" to partition N % partitions at a
/// fixed rate. Delivery reports arrive on librdkafka's thread; the lists are guarded by one lock.
/// </summary>
public sealed class ConfluentProducer : IProducerWorkload
{
    private readonly IProducer<Null, string> _producer;
    private readonly string _topic;
    private readonly int _partitions, _ratePerSecond;
    private readonly Lock _gate = new();
    private readonly List<Ack> _acks = [];
    private readonly List<SendFailure> _failures = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _log = [];
    private Task? _loop;
    private long _sent, _resolved;

    public ConfluentProducer(string bootstrap, string topic, int partitions, int ratePerSecond)
    {
        _topic = topic;
        _partitions = partitions;
        _ratePerSecond = ratePerSecond;
        _producer = new ProducerBuilder<Null, string>(new ProducerConfig
        {
            BootstrapServers = bootstrap, EnableIdempotence = true, Acks = Confluent.Kafka.Acks.All, LingerMs = 5,
            MessageTimeoutMs = 120_000, RequestTimeoutMs = 10_000, TopicMetadataRefreshIntervalMs = 2000,
            ReconnectBackoffMaxMs = 500, RetryBackoffMaxMs = 500,
            // FAULT_RDKAFKA_DEBUG=broker,metadata,... writes librdkafka's debug log to librdkafka.log of the run.
            Debug = Environment.GetEnvironmentVariable("FAULT_RDKAFKA_DEBUG") is { Length: > 0 } debug ? debug : null,
        }).SetLogHandler((_, m) => { lock (_gate) _log.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {m.Level} {m.Facility} {m.Message}"); })
          .SetErrorHandler((_, e) => { lock (_gate) { _log.Add($"{DateTime.UtcNow:HH:mm:ss.fff} error {e.Code} {e.Reason}"); if (e.IsFatal) Fatal ??= $"{e.Code}: {e.Reason}"; } })
          .Build();
    }

    public string Name => "confluent";

    public string? Fatal { get; private set; }

    public IReadOnlyList<Ack> Acks { get { lock (_gate) return [.. _acks]; } }

    public IReadOnlyList<SendFailure> Failures { get { lock (_gate) return [.. _failures]; } }

    public IReadOnlyList<string> ClientLog { get { lock (_gate) return [.. _log]; } }

    public void Start() => _loop = Task.Run(SendLoopAsync);

    private async Task SendLoopAsync()
    {
        var start = DateTime.UtcNow;
        long n = 0;
        while (!_stop.IsCancellationRequested)
        {
            long due = (long)((DateTime.UtcNow - start).TotalSeconds * _ratePerSecond);
            for (; n < due && !_stop.IsCancellationRequested; n++) Send(n);
            try { await Task.Delay(5, _stop.Token); } catch (OperationCanceledException) { }
        }
    }

    private void Send(long n)
    {
        string value = $"cs-{n}";
        int partition = (int)(n % _partitions);
        Interlocked.Increment(ref _sent);
        try
        {
            _producer.Produce(new TopicPartition(_topic, partition), new Message<Null, string> { Value = value }, report =>
            {
                long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                lock (_gate)
                {
                    if (report.Error.IsError) _failures.Add(new SendFailure(Name, value, partition, report.Error.Code.ToString(), now));
                    else _acks.Add(new Ack(Name, value, report.Partition.Value, report.Offset.Value, now));
                }

                Interlocked.Increment(ref _resolved);
            });
        }
        catch (ProduceException<Null, string> e)
        {
            lock (_gate) _failures.Add(new SendFailure(Name, value, partition, e.Error.Code.ToString(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
            Interlocked.Increment(ref _resolved);
        }
    }

    public async Task<long> StopAsync(TimeSpan flush)
    {
        _stop.Cancel();
        if (_loop is not null) await _loop;
        await Task.Run(() => _producer.Flush(flush));
        return Interlocked.Read(ref _sent) - Interlocked.Read(ref _resolved);
    }

    public ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _producer.Dispose();
        return ValueTask.CompletedTask;
    }
}
