using Broker.Protocol;
using Broker.Protocol.Framing;
using Broker.Protocol.Messages;
using Broker.Protocol.Records;
using Broker.Protocol.Tests.TestSupport;

namespace Broker.Fuzz.Seeds;

/// <summary>
/// The frames mutations start from, each a complete size-prefixed request: a sample of every request the broker
/// defines at every version it supports (every field set, built by <see cref="MessageSamples"/> and encoded with our
/// own <see cref="FrameWriter"/>), real Produce/Fetch/ListOffsets frames for the target topic, and the frames captured
/// from kcat, kafka-python and Confluent.Kafka (GoldenFrames). Sample values that would create state are tamed
/// (CreateTopics/CreatePartitions ask for one partition with validate_only), so a mutation must flip a field to create
/// anything. Immutable after construction; thread-safe to read.
/// </summary>
public sealed class SeedCorpus
{
    private SeedCorpus(IReadOnlyList<byte[]> frames) => Frames = frames;

    public IReadOnlyList<byte[]> Frames { get; }

    public static SeedCorpus Build(string targetTopic)
    {
        var frames = new List<byte[]>();
        int correlation = 0;
        foreach (var definition in ApiDefinitions.All)
        {
            var type = typeof(IKafkaRequest).Assembly.GetType($"Broker.Protocol.Messages.{definition.Name}Request", throwOnError: true)!;
            for (short v = definition.MinVersion; v <= definition.MaxVersion; v++)
            {
                var request = (IKafkaRequest)MessageSamples.Create(type, v);
                Tame(request);
                frames.Add(Encode(request, v, ++correlation));
            }
        }

        for (short v = 3; v <= 9; v++) frames.Add(Encode(Produce(targetTopic), v, ++correlation));
        for (short v = 4; v <= 12; v++) frames.Add(Encode(Fetch(targetTopic), v, ++correlation));
        foreach (var file in GoldenFrameFiles()) frames.Add(File.ReadAllBytes(file));
        return new SeedCorpus(frames);
    }

    private static IEnumerable<string> GoldenFrameFiles()
    {
        string dir = Path.Combine(AppContext.BaseDirectory, "GoldenFrames");
        return Directory.Exists(dir) ? Directory.GetFiles(dir, "*.bin", SearchOption.AllDirectories).Order(StringComparer.Ordinal) : [];
    }

    private static void Tame(IKafkaRequest request)
    {
        switch (request)
        {
            case CreateTopicsRequest create:
                create.ValidateOnly = true;
                foreach (var t in create.Topics)
                {
                    t.NumPartitions = 1;
                    t.ReplicationFactor = 1;
                    t.Assignments.Clear();
                }

                break;
            case CreatePartitionsRequest partitions:
                partitions.ValidateOnly = true;
                foreach (var t in partitions.Topics)
                {
                    t.Count = 2;
                    t.Assignments = null;
                }

                break;
            case FetchRequest fetch:
                fetch.MaxWaitMs = 10; // seeds should not park; the abandoned-poll mode covers long waits
                break;
        }
    }

    public static byte[] Encode(IKafkaRequest request, short version, int correlation, string clientId = "fuzz")
    {
        using var buffer = new PooledBufferWriter();
        FrameWriter.WriteRequest(buffer, correlation, clientId, request, version);
        return buffer.WrittenSpan.ToArray();
    }

    public static ProduceRequest Produce(string topic, int records = 3, short acks = 1) => new()
    {
        Acks = acks,
        TimeoutMs = 5000,
        TopicData =
        [
            new ProduceRequest.ProduceTopic
            {
                Name = topic,
                PartitionData = [new ProduceRequest.ProducePartition { Index = 0, Records = new RecordSet(Batch(records)) }],
            },
        ],
    };

    private static byte[] Batch(int records)
    {
        var builder = new RecordBatchBuilder(1_700_000_000_000);
        for (int i = 0; i < records; i++) builder.Add($"k{i}", $"value-{i}");
        return builder.Build();
    }

    public static FetchRequest Fetch(string topic, int maxWaitMs = 10, long offset = 0) => new()
    {
        ReplicaId = -1,
        MaxWaitMs = maxWaitMs,
        MinBytes = 1,
        MaxBytes = 1 << 20,
        Topics =
        [
            new FetchRequest.FetchTopic
            {
                Topic = topic,
                Partitions = [new FetchRequest.FetchPartition { Partition = 0, FetchOffset = offset, PartitionMaxBytes = 1 << 20 }],
            },
        ],
    };
}
