using Broker.Protocol.Records;

namespace Broker.FaultSuite.Check;

/// <summary>
/// Prints the batch headers of a partition's segment files (offsets, producer id/epoch, base sequence, leader epoch):
/// the evidence for what an idempotent producer's sequence numbers did. Usage: --dump LOGDIR TOPIC PARTITION [FROM TO].
/// </summary>
public static class LogDump
{
    public static void Print(string logDir, string topic, int partition, long from, long to)
    {
        string folder = Path.Combine(logDir, $"{topic}-{partition}");
        foreach (string file in Directory.GetFiles(folder, "*.log").Order(StringComparer.Ordinal))
        {
            byte[] data = File.ReadAllBytes(file);
            int position = 0;
            while (RecordBatchHeader.TryRead(data.AsSpan(position), out var h) && h.BatchLength > 0 && position + h.TotalSize <= data.Length)
            {
                if (h.LastOffset >= from && h.BaseOffset <= to)
                    Console.WriteLine($"offsets {h.BaseOffset}..{h.LastOffset} records {h.RecordsCount} producer {h.ProducerId}/{h.ProducerEpoch} " +
                                      $"base sequence {h.BaseSequence} leader epoch {h.PartitionLeaderEpoch} crc {h.Crc:x8}");
                position += h.TotalSize;
            }
        }
    }
}
