using System.Collections.Concurrent;
using Confluent.Kafka;

namespace Broker.IntegrationTests.Groups;

/// <summary>
/// A Confluent.Kafka group member polling on its own thread (the client is not thread-safe), committing each message
/// synchronously after it is recorded. Assignment and consumed records are readable from any thread.
/// </summary>
internal sealed class RunningConsumer : IDisposable
{
    private readonly ConcurrentQueue<(int Partition, long Offset, string Value)> _consumed = new();
    private readonly Thread _thread;
    private readonly IConsumer<string, string> _consumer;
    private readonly string _topic;
    private volatile int[] _assigned = [];
    private volatile bool _stop;
    private volatile bool _close;

    public RunningConsumer(string bootstrap, string group, string topic, string clientId, int sessionTimeoutMs = 6000)
    {
        _topic = topic;
        _consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrap, GroupId = group, ClientId = clientId, EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest, SessionTimeoutMs = sessionTimeoutMs, HeartbeatIntervalMs = 500,
            PartitionAssignmentStrategy = PartitionAssignmentStrategy.Range,
        })
            .SetPartitionsAssignedHandler((_, ps) => _assigned = ps.Select(p => p.Partition.Value).Order().ToArray())
            .SetPartitionsRevokedHandler((_, _) => _assigned = [])
            .SetPartitionsLostHandler((_, _) => _assigned = [])
            .Build();
        _thread = new Thread(Loop) { IsBackground = true, Name = clientId };
        _thread.Start();
    }

    public IReadOnlyList<int> Assigned => _assigned;

    public IReadOnlyList<(int Partition, long Offset, string Value)> Consumed => _consumed.ToArray();

    /// <summary>Leaves the group cleanly (LeaveGroup) and stops.</summary>
    public void Close()
    {
        _close = true;
        _stop = true;
        _thread.Join(TimeSpan.FromSeconds(30));
    }

    public void Dispose()
    {
        _stop = true;
        _thread.Join(TimeSpan.FromSeconds(30));
        _consumer.Dispose();
    }

    private void Loop()
    {
        _consumer.Subscribe(_topic);
        while (!_stop)
        {
            try
            {
                var cr = _consumer.Consume(TimeSpan.FromMilliseconds(100));
                if (cr is null || cr.IsPartitionEOF) continue;
                _consumed.Enqueue((cr.Partition.Value, cr.Offset.Value, cr.Message.Value));
                _consumer.Commit(cr);
            }
            catch (KafkaException)
            {
                // Commits during a rebalance may fail (REBALANCE_IN_PROGRESS); the message is redelivered if so.
            }
        }

        if (_close) _consumer.Close();
    }
}
