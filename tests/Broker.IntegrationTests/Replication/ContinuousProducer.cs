using System.Collections.Concurrent;
using System.Diagnostics;
using Broker.TestKit;
using Confluent.Kafka;

namespace Broker.IntegrationTests.Replication;

/// <summary>
/// Kafka's replication_test.py producer: an idempotent acks=all Confluent.Kafka producer sending the unique sequential
/// values "0", "1", ... in the background, value v to partition v mod P (so each partition's values must appear in
/// increasing order). Every delivery report is recorded: acknowledged (partition, offset, value) or failed (error code).
/// Thread-safety: the send loop runs on its own thread and reports arrive on librdkafka's thread; the recorded
/// collections are concurrent and the public members may be called from the test thread at any time.
/// </summary>
public sealed partial class ContinuousProducer : IDisposable
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentQueue<AckedSend> _acks = new();
    private readonly ConcurrentQueue<FailedSend> _failures = new();
    private readonly ConcurrentQueue<FaultMark> _faults = new();
    private readonly ConcurrentQueue<string> _clientLog = new();
    private readonly List<double> _sentAt = [];
    private readonly IProducer<Null, string> _producer;
    private readonly ContinuousProducerOptions _options;
    private readonly string _topic;
    private Thread? _loop;
    private volatile bool _stopping;
    private long _sent;
    private long _reported;
    private Error? _fatal;

    public ContinuousProducer(string bootstrap, string topic, int partitions, ContinuousProducerOptions? options = null)
    {
        _topic = topic;
        Partitions = partitions;
        _options = options ?? new ContinuousProducerOptions();
        var config = new ProducerConfig
        {
            BootstrapServers = bootstrap,
            EnableIdempotence = _options.EnableIdempotence,
            Acks = Confluent.Kafka.Acks.All,
            MessageTimeoutMs = _options.MessageTimeoutMs,
            RequestTimeoutMs = _options.RequestTimeoutMs,
            LingerMs = _options.LingerMs,
            MaxInFlight = _options.MaxInFlight,
            ClientId = "replication-harness",
            // Dead brokers are noticed quickly and metadata is refreshed often while leaders move.
            SocketTimeoutMs = 10_000,
            TopicMetadataRefreshIntervalMs = 5_000,
            ReconnectBackoffMs = 50,
            ReconnectBackoffMaxMs = 500,
            RetryBackoffMs = 100,
            // Idempotence events (producer id, drain, epoch bump) go to the client log shown when a test fails.
            Debug = "eos",
        };
        // BROKER_TEST_RDKAFKA_DEBUG=eos,msg,... turns on librdkafka's debug contexts for diagnosing a scenario.
        if (Environment.GetEnvironmentVariable("BROKER_TEST_RDKAFKA_DEBUG") is { Length: > 0 } debug) config.Debug = debug;
        _producer = new ProducerBuilder<Null, string>(config)
            .SetErrorHandler((_, e) =>
            {
                if (e.IsFatal) _fatal ??= e;
                Note($"error {e.Code}{(e.IsFatal ? " FATAL" : "")}: {e.Reason}");
            })
            .SetLogHandler((_, m) => Note($"{m.Level} {m.Facility} {m.Message}"))
            .Build();
    }

    public int Partitions { get; }

    /// <summary>Milliseconds on the producer's clock (the clock of every recorded time).</summary>
    public double NowMs => _clock.Elapsed.TotalMilliseconds;

    public long Sent => Interlocked.Read(ref _sent);

    public long Outstanding => Sent - Interlocked.Read(ref _reported);

    public IReadOnlyCollection<AckedSend> Acks => _acks;

    public IReadOnlyCollection<FailedSend> Failures => _failures;

    public IReadOnlyCollection<FaultMark> Faults => _faults;

    /// <summary>The first fatal error the client raised (an idempotent producer stops on one), or null.</summary>
    public Error? FatalError => _fatal;

    /// <summary>The client's last log and error lines, for failure messages.</summary>
    public string ClientLogTail(int lines = 40) => string.Join('\n', _clientLog.TakeLast(lines));

    public void Start()
    {
        if (_loop is not null) throw new InvalidOperationException("already started");
        _loop = new Thread(SendLoop) { IsBackground = true, Name = "continuous-producer" };
        _loop.Start();
    }

    /// <summary>Records that a fault is injected now; failover time is measured from here.</summary>
    public FaultMark MarkFault(string what)
    {
        var mark = new FaultMark(what, NowMs);
        _faults.Enqueue(mark);
        return mark;
    }

    /// <summary>Waits until at least <paramref name="count"/> values sent after <paramref name="sinceMs"/> (default: ever) are acknowledged.</summary>
    public Task WaitForAcksAsync(int count, TimeSpan timeout, double sinceMs = -1) =>
        Poll.UntilAsync(() => ThrowIfFatal() && _acks.Count(a => a.SentMs >= sinceMs) >= count, timeout,
            $"{count} acknowledged sends{(sinceMs >= 0 ? $" after {sinceMs:0} ms" : "")} (have {_acks.Count(a => a.SentMs >= sinceMs)}, fatal {_fatal?.Reason ?? "none"})");

    /// <summary>Waits until at least <paramref name="count"/> sends sent after the last fault are acknowledged in every partition.</summary>
    public Task WaitForAcksAfterLastFaultAsync(int countPerPartition, TimeSpan timeout)
    {
        double since = _faults.LastOrDefault()?.AtMs ?? 0;
        return Poll.UntilAsync(() => ThrowIfFatal() && Enumerable.Range(0, Partitions)
                .All(p => _acks.Count(a => a.Partition == p && a.SentMs >= since) >= countPerPartition),
            timeout, $"{countPerPartition} acknowledged sends per partition after the last fault (fatal {_fatal?.Reason ?? "none"})");
    }

    /// <summary>Stops sending, waits up to <paramref name="flushTimeout"/> for outstanding reports; returns how many never came.</summary>
    public long Stop(TimeSpan flushTimeout)
    {
        _stopping = true;
        _loop?.Join();
        _producer.Flush(flushTimeout);
        return Outstanding;
    }

    public void Dispose()
    {
        _stopping = true;
        _loop?.Join();
        _producer.Dispose();
    }

    /// <summary>The send time of <paramref name="value"/> on the producer's clock.</summary>
    public double SentAtMs(long value)
    {
        lock (_sentAt) return _sentAt[(int)value];
    }

    /// <summary>Fails a wait at once when the producer can no longer send (an idempotent producer stops on a fatal error).</summary>
    private bool ThrowIfFatal() =>
        _fatal is null ? true : throw new InvalidOperationException($"the producer hit a fatal error: {_fatal.Code} {_fatal.Reason}\n{ClientLogTail(10)}");

    private void SendLoop()
    {
        long value = 0;
        double interval = 1000.0 / _options.RatePerSecond;
        while (!_stopping && _fatal is null)
        {
            double due = value * interval;
            double now = NowMs;
            if (now < due)
            {
                Thread.Sleep(TimeSpan.FromMilliseconds(Math.Min(due - now, 50)));
                continue;
            }

            if (Outstanding >= _options.MaxOutstanding)
            {
                Thread.Sleep(5);
                continue;
            }

            lock (_sentAt)
            {
                if (_sentAt.Count == value) _sentAt.Add(now);
                else _sentAt[(int)value] = now;
            }

            int partition = (int)(value % Partitions);
            try
            {
                _producer.Produce(new TopicPartition(_topic, partition), new Message<Null, string> { Value = value.ToString() }, OnDelivery);
            }
            catch (ProduceException<Null, string> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                Thread.Sleep(5);
                continue;
            }
            catch (KafkaException e)
            {
                _fatal ??= e.Error;
                Note($"produce threw {e.Error.Code}: {e.Error.Reason}");
                break;
            }

            Interlocked.Increment(ref _sent);
            value++;
        }
    }

    private void OnDelivery(DeliveryReport<Null, string> report)
    {
        long value = long.Parse(report.Message.Value);
        double sent = SentAtMs(value);
        if (report.Error.IsError)
            _failures.Enqueue(new FailedSend(value, report.Partition.Value, report.Error.Code, report.Error.Reason, sent, NowMs));
        else
            _acks.Enqueue(new AckedSend(value, report.Partition.Value, report.Offset.Value, sent, NowMs));
        Interlocked.Increment(ref _reported);
    }

    private void Note(string line)
    {
        _clientLog.Enqueue($"{NowMs,9:0} {line}");
        while (_clientLog.Count > 400) _clientLog.TryDequeue(out _);
    }
}
