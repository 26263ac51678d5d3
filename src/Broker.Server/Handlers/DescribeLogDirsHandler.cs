using Broker.Coordination.Acls;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Partitions;
using Broker.Server.Requests;
using Broker.Storage.Log;

namespace Broker.Server.Handlers;

/// <summary>
/// DescribeLogDirs v0–4 (KIP-113), answered by the broker it is sent to about its own <c>log.dirs</c>: one result per
/// dir (absolute path), in configuration order. An offline dir answers KAFKA_STORAGE_ERROR and no partitions (as
/// Kafka). Per partition: size in bytes (sum of its segments), offset lag and is_future. Offset lag is Kafka's: for a
/// current replica max(0, high watermark − log end offset), which is 0 on a leader; -1 when the log is not hosted as a
/// partition (a log left behind). There are no future replicas: AlterReplicaLogDirs is not served, so is_future is
/// always false. Null topics = every partition; otherwise only the partitions named. v4: total and usable bytes of
/// the dir's file system (-1 when they cannot be read). Thread-safe: reads volatile counters.
/// </summary>
public sealed class DescribeLogDirsHandler(ReplicaManager replicas) : RequestHandler<DescribeLogDirsRequest>
{
    /// <summary>Kafka's DescribeLogDirsResponse.INVALID_OFFSET_LAG.</summary>
    public const long InvalidOffsetLag = -1;

    public override ApiKey ApiKey => ApiKey.DescribeLogDirs;

    protected override ValueTask<IKafkaResponse?> HandleAsync(RequestContext context, DescribeLogDirsRequest request)
    {
        HashSet<(string, int)>? wanted = request.Topics?.SelectMany(t => t.Partitions.Select(p => (t.Topic, p))).ToHashSet();
        var logs = replicas.Logs;
        var response = new DescribeLogDirsResponse();
        if (!context.IsAllowedOnCluster(AclOperation.Describe)) // Kafka: Describe on the cluster, else no results
        {
            response.ErrorCode = (short)ErrorCode.ClusterAuthorizationFailed;
            return ValueTask.FromResult<IKafkaResponse?>(response);
        }

        foreach (string dir in logs.LogDirs)
        {
            string path = Path.GetFullPath(dir);
            var result = new DescribeLogDirsResponse.DescribeLogDirsResult { LogDir = path };
            response.Results.Add(result);
            if (logs.Failures.IsOffline(dir))
            {
                result.ErrorCode = (short)ErrorCode.KafkaStorageError;
                continue;
            }

            (result.TotalBytes, result.UsableBytes) = Space(path);
            var inDir = logs.All
                .Where(l => string.Equals(Path.GetFullPath(l.LogDir), path, StringComparison.Ordinal))
                .Where(l => wanted is null || wanted.Contains((l.TopicPartition.Topic, l.TopicPartition.Partition)))
                .GroupBy(l => l.TopicPartition.Topic, StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal);
            foreach (var topic in inDir)
            {
                result.Topics.Add(new DescribeLogDirsResponse.DescribeLogDirsTopic
                {
                    Name = topic.Key,
                    Partitions = topic.OrderBy(l => l.TopicPartition.Partition).Select(l => new DescribeLogDirsResponse.DescribeLogDirsPartition
                    {
                        PartitionIndex = l.TopicPartition.Partition, PartitionSize = l.Size, OffsetLag = OffsetLag(l), IsFutureKey = false,
                    }).ToList(),
                });
            }
        }

        return ValueTask.FromResult<IKafkaResponse?>(response);
    }

    private long OffsetLag(PartitionLog log) =>
        replicas.TryGet(log.TopicPartition.Topic, log.TopicPartition.Partition, out var partition) && ReferenceEquals(partition.Log, log)
            ? Math.Max(0, partition.HighWatermark - log.LogEndOffset)
            : InvalidOffsetLag;

    private static (long Total, long Usable) Space(string path)
    {
        try
        {
            var drive = new DriveInfo(path);
            return (drive.TotalSize, drive.AvailableFreeSpace);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return (-1, -1);
        }
    }
}
