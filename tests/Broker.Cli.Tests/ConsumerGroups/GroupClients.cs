using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Broker.TestKit;

namespace Broker.Cli.Tests.ConsumerGroups;

/// <summary>Real Confluent.Kafka clients that set up the group state the tool then reports.</summary>
internal static class GroupClients
{
    public static async Task CreateTopicAsync(string bootstrap, string topic, int partitions)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = 1 }]);
    }

    /// <summary>Produces <paramref name="count"/> values to one partition, acks=all.</summary>
    public static async Task ProduceAsync(string bootstrap, string topic, int partition, int count)
    {
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = bootstrap, Acks = Acks.All, LingerMs = 5 }).Build();
        await Task.WhenAll(Enumerable.Range(0, count).Select(i =>
            producer.ProduceAsync(new TopicPartition(topic, partition), new Message<Null, string> { Value = $"v{i}" })));
    }

    /// <summary>Commits offsets for the group without joining it (a "simple" consumer), leaving the group Empty.</summary>
    public static void Commit(string bootstrap, string group, params TopicPartitionOffset[] offsets)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = group, EnableAutoCommit = false }).Build();
        consumer.Commit(offsets);
    }

    /// <summary>A subscribed member consuming from the committed position (else earliest), committing every record.</summary>
    public sealed class Member : IDisposable
    {
        private readonly IConsumer<Ignore, string> _consumer;
        private readonly Thread _thread;
        private volatile bool _stop;
        private int _consumed;

        public Member(string bootstrap, string group, string topic, string clientId)
        {
            _consumer = new ConsumerBuilder<Ignore, string>(new ConsumerConfig
            {
                BootstrapServers = bootstrap, GroupId = group, ClientId = clientId, EnableAutoCommit = false,
                AutoOffsetReset = AutoOffsetReset.Earliest, SessionTimeoutMs = 6000, HeartbeatIntervalMs = 500,
            }).Build();
            _consumer.Subscribe(topic);
            _thread = new Thread(() =>
            {
                while (!_stop)
                {
                    if (_consumer.Consume(100) is not { } record) continue;
                    _consumer.Commit(record);
                    Interlocked.Increment(ref _consumed);
                }

                _consumer.Close();
            }) { IsBackground = true };
            _thread.Start();
        }

        public int Consumed => Volatile.Read(ref _consumed);

        public Task WaitForAsync(int count) => Poll.UntilAsync(() => Consumed >= count, TimeSpan.FromSeconds(30), $"{count} records consumed");

        /// <summary>Leaves the group (LeaveGroup) and releases the client.</summary>
        public void Dispose()
        {
            _stop = true;
            _thread.Join(TimeSpan.FromSeconds(30));
            _consumer.Dispose();
        }
    }
}
