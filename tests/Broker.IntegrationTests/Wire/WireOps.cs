using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Protocol.Records;

namespace Broker.IntegrationTests.Wire;

/// <summary>Small raw-protocol steps shared by the wire tests: create a topic, produce, build a fetch.</summary>
internal static class WireOps
{
    public static void CreateTopic(int port, string topic, int partitions = 1)
    {
        using var c = new RawConnection(port);
        var created = c.RoundTrip<CreateTopicsResponse>(new CreateTopicsRequest
        {
            Topics = [new CreateTopicsRequest.CreatableTopic { Name = topic, NumPartitions = partitions, ReplicationFactor = 1 }],
            TimeoutMs = 5000,
        }, 7);
        Assert.That(created.Topics.Single().ErrorCode, Is.EqualTo(0), created.Topics.Single().ErrorMessage);
    }

    /// <summary>Appends <paramref name="batches"/> batches of one record of <paramref name="valueBytes"/> bytes each.</summary>
    public static void Produce(int port, string topic, int batches, int valueBytes)
    {
        using var c = new RawConnection(port);
        for (int i = 0; i < batches; i++)
        {
            var records = new RecordBatchBuilder().Add(null, new string((char)('a' + i % 26), valueBytes)).Build();
            var response = c.RoundTrip<ProduceResponse>(new ProduceRequest
            {
                Acks = 1,
                TimeoutMs = 5000,
                TopicData =
                [
                    new ProduceRequest.ProduceTopic
                    {
                        Name = topic,
                        PartitionData = [new ProduceRequest.ProducePartition { Index = 0, Records = new RecordSet(records) }],
                    },
                ],
            }, 9);
            Assert.That(response.Responses.Single().PartitionResponses.Single().ErrorCode, Is.EqualTo(0));
        }
    }

    /// <summary>A consumer fetch of partition 0 of <paramref name="topic"/>, named <paramref name="copies"/> times.</summary>
    public static FetchRequest Fetch(string topic, int maxWaitMs, int minBytes = 1, int copies = 1, int maxBytes = int.MaxValue) => new()
    {
        ReplicaId = -1,
        MaxWaitMs = maxWaitMs,
        MinBytes = minBytes,
        MaxBytes = maxBytes,
        Topics =
        [
            new FetchRequest.FetchTopic
            {
                Topic = topic,
                Partitions = Enumerable.Range(0, copies)
                    .Select(_ => new FetchRequest.FetchPartition { Partition = 0, FetchOffset = 0, PartitionMaxBytes = int.MaxValue })
                    .ToList(),
            },
        ],
    };

    /// <summary>One ApiVersions round trip on a new connection: the broker still serves.</summary>
    public static void AssertServes(int port)
    {
        using var other = new RawConnection(port);
        var answer = other.RoundTrip<ApiVersionsResponse>(new ApiVersionsRequest(), 3);
        Assert.That(answer.ErrorCode, Is.EqualTo((short)ErrorCode.None));
    }

    /// <summary>Open file descriptors of a process (sockets included), from /proc.</summary>
    public static int OpenFiles(int pid) => Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length;

    /// <summary>
    /// Whether the broker still holds its end of the connection from <paramref name="clientPort"/>, from the kernel's
    /// TCP table: ESTABLISHED, or CLOSE_WAIT (the client closed, the broker has not). Unlike a count of open files, no
    /// other socket or log file the broker opens meanwhile changes the answer.
    /// </summary>
    public static bool BrokerHoldsConnection(int brokerPort, int clientPort) => HeldClientPorts(brokerPort).Contains(clientPort);

    /// <summary>The client ports of every connection whose broker end is ESTABLISHED or CLOSE_WAIT on <paramref name="brokerPort"/>.</summary>
    public static HashSet<int> HeldClientPorts(int brokerPort)
    {
        var held = new HashSet<int>();
        foreach (string table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table)) continue;
            foreach (string line in File.ReadLines(table).Skip(1))
            {
                // "  sl  local_address rem_address   st ..." with addresses as HEXIP:HEXPORT and st in hex.
                string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (f.Length < 4) continue;
                int local = Convert.ToInt32(f[1][(f[1].LastIndexOf(':') + 1)..], 16);
                int state = Convert.ToInt32(f[3], 16);
                if (local == brokerPort && (state == 0x01 || state == 0x08)) held.Add(Convert.ToInt32(f[2][(f[2].LastIndexOf(':') + 1)..], 16));
            }
        }

        return held;
    }
}
