using Broker.Protocol.Records;
using Broker.Storage.Producers;
using Microsoft.Extensions.Logging;

namespace Broker.Storage.Log;

public sealed partial class PartitionLog
{
    /// <summary>
    /// Validates and appends producer batches as leader: assigns offsets from <see cref="LogEndOffset"/>, stamps
    /// <paramref name="leaderEpoch"/> and, under LogAppendTime, the broker time. The batches are patched in place
    /// (no copy) and written with one write; nothing is written when any batch is invalid.
    /// </summary>
    /// <param name="batches">One or more whole batches; modified in place.</param>
    /// <param name="leaderEpoch">Stored in each batch's partitionLeaderEpoch.</param>
    /// <param name="crcVerified">
    /// True when the caller checked every batch's CRC-32C on these bytes (the produce path's validator does, before the
    /// partition lock): the framing, size and count checks still run here, the CRC pass over every byte does not run
    /// twice.
    /// </param>
    public LogAppendResult Append(Span<byte> batches, int leaderEpoch = 0, bool crcVerified = false)
    {
        LogConfig config = Config;
        if (!RecordBatchValidator.Validate(batches, config.MaxMessageBytes, out RecordBatchValidationResult validation, verifyCrc: !crcVerified))
        {
            return LogAppendResult.Failed(validation.Error, LogStartOffset);
        }

        lock (_lock)
        {
            ThrowIfDisposed();
            ThrowIfOffline();
            long now = NowMs();
            long logAppendTime = config.MessageTimestampType == TimestampType.LogAppendTime ? now : -1;
            long baseOffset = _logEndOffset;
            long next = baseOffset;
            int at = 0;
            while (at < batches.Length)
            {
                RecordBatchHeader header = RecordBatchHeader.Read(batches[at..]);
                // A batch without a sequence (-1) is a coordinator's write (TxnOffsetCommit offsets, as Kafka's
                // coordinator-origin appends): its sequence is not validated.
                if (header.ProducerId >= 0 && header.BaseSequence >= 0)
                {
                    RecordBatchError producerError = Producers.Check(header, next, out BatchMetadata duplicate);
                    if (producerError != RecordBatchError.None)
                    {
                        Producers.DiscardPending();
                        return producerError switch
                        {
                            RecordBatchError.DuplicateSequence => new LogAppendResult(producerError, duplicate.FirstOffset, duplicate.LastOffset, -1, 0, 0, _logStartOffset),
                            RecordBatchError.SequenceReused => LogAppendResult.Failed(producerError, _logStartOffset) with { ErrorMessage = SequenceReusedMessage(header) },
                            _ => LogAppendResult.Failed(producerError, _logStartOffset),
                        };
                    }
                }

                Span<byte> batch = batches.Slice(at, header.TotalSize);
                RecordBatch.SetBaseOffset(batch, next);
                RecordBatch.SetPartitionLeaderEpoch(batch, leaderEpoch);
                if (logAppendTime >= 0)
                {
                    RecordBatch.SetLogAppendTime(batch, logAppendTime);
                }

                next += header.LastOffsetDelta + 1L;
                at += header.TotalSize;
            }

            try
            {
                if (leaderEpoch >= 0 && leaderEpoch > LeaderEpochs.LatestEpoch)
                {
                    LeaderEpochs.Assign(leaderEpoch, baseOffset);
                }

                if (Producers.HasPending)
                {
                    AppendIdempotentLocked(batches, next, validation.RecordCount, now, config);
                }
                else
                {
                    AppendLocked(batches, next, validation.RecordCount, now, config);
                }
            }
            catch (IOException e) when (e is not KafkaStorageException)
            {
                Producers.DiscardPending();
                throw DirFailed("append", e);
            }

            return new LogAppendResult(RecordBatchError.None, baseOffset, next - 1, logAppendTime, validation.RecordCount, validation.BatchCount, _logStartOffset);
        }
    }

    private static string SequenceReusedMessage(in RecordBatchHeader header) =>
        $"batch reuses sequence {header.BaseSequence} of producer {header.ProducerId} (epoch {header.ProducerEpoch}) with different records";

    /// <summary>
    /// Appends batches copied from the leader as they are (offsets, epochs and timestamps kept). Offsets must start at
    /// or after <see cref="LogEndOffset"/> and increase; gaps left by compaction are kept. Otherwise nothing is written
    /// and InvalidRecord is returned.
    /// </summary>
    public LogAppendResult AppendAsFollower(ReadOnlySpan<byte> batches)
    {
        RecordBatchError invalid = StoredBatchValidator.Validate(batches, out int batchCount, out long recordCount);
        if (invalid != RecordBatchError.None)
        {
            return LogAppendResult.Failed(invalid, LogStartOffset);
        }

        var validation = new RecordBatchValidationResult(invalid, batchCount, recordCount, -1, batches.Length);
        lock (_lock)
        {
            ThrowIfDisposed();
            ThrowIfOffline();
            long baseOffset = _logEndOffset;
            long next = baseOffset;
            int maxEpoch = -1;
            bool hasProducerIds = false;
            int at = 0;
            while (at < batches.Length)
            {
                RecordBatchHeader header = RecordBatchHeader.Read(batches[at..]);
                // Offsets only increase; gaps are legal because the leader's cleaner removes records (Kafka's
                // appendAsFollower accepts them the same way).
                if (header.BaseOffset < next)
                {
                    return LogAppendResult.Failed(RecordBatchError.InvalidRecord, _logStartOffset);
                }

                maxEpoch = Math.Max(maxEpoch, header.PartitionLeaderEpoch);
                hasProducerIds |= header.ProducerId >= 0;
                next = header.NextOffset;
                at += header.TotalSize;
            }

            try
            {
                if (maxEpoch > LeaderEpochs.LatestEpoch)
                {
                    AssignFollowerEpochs(batches);
                }

                AppendLocked(batches, next, validation.RecordCount, NowMs(), Config);
            }
            catch (IOException e) when (e is not KafkaStorageException)
            {
                throw DirFailed("append as follower", e);
            }

            if (hasProducerIds)
            {
                ApplyProducerBatches(batches);
            }

            return new LogAppendResult(RecordBatchError.None, baseOffset, next - 1, -1, validation.RecordCount, validation.BatchCount, _logStartOffset);
        }
    }

    /// <summary>Adds the leader's epoch changes found in replicated batches to the cache. Caller holds the lock.</summary>
    private void AssignFollowerEpochs(ReadOnlySpan<byte> batches)
    {
        int at = 0;
        while (at < batches.Length)
        {
            RecordBatchHeader header = RecordBatchHeader.Read(batches[at..]);
            if (header.PartitionLeaderEpoch >= 0 && header.PartitionLeaderEpoch > LeaderEpochs.LatestEpoch)
            {
                LeaderEpochs.Assign(header.PartitionLeaderEpoch, header.BaseOffset);
            }

            at += header.TotalSize;
        }
    }

    /// <summary>Closes the active segment and starts a new one at <see cref="LogEndOffset"/> (no-op when empty).</summary>
    public void Roll()
    {
        lock (_lock)
        {
            ThrowIfDisposed();
            ThrowIfOffline();
            try
            {
                RollLocked(Config);
            }
            catch (IOException e) when (e is not KafkaStorageException)
            {
                throw DirFailed("roll", e);
            }
        }
    }

    private void AppendLocked(ReadOnlySpan<byte> batches, long nextOffset, long recordCount, long now, LogConfig config)
    {
        LogSegment active = _segments[^1];
        if (ShouldRoll(active, batches.Length, nextOffset - 1, now, config))
        {
            active = RollLocked(config);
        }

        active.Append(batches, now);
        Volatile.Write(ref _logEndOffset, nextOffset);
        _unflushedMessages += recordCount;
        if (_unflushedMessages >= config.FlushIntervalMessages)
        {
            try
            {
                FlushLocked();
            }
            catch (IOException e) when (e is not KafkaStorageException)
            {
                // The batches are in the log (and in the page cache); only their fsync failed. The append stands, so
                // the log, producer state and result agree; the dir goes offline for every later write.
                _ = DirFailed("flush", e);
            }
        }
    }

    private static bool ShouldRoll(LogSegment active, int appendBytes, long lastOffset, long now, LogConfig config)
    {
        if (active.Size == 0)
        {
            return false;
        }

        return (long)active.Size + appendBytes > config.SegmentBytes
            || (active.RollingBaseTimeMs >= 0 && now - active.RollingBaseTimeMs > config.MaxSegmentMs)
            || active.IsIndexFull
            || lastOffset - active.BaseOffset > int.MaxValue;
    }

    private LogSegment RollLocked(LogConfig config)
    {
        LogSegment old = _segments[^1];
        if (old.Size == 0)
        {
            return old;
        }

        old.OnBecomeInactive();
        LogSegment created = LogSegment.Create(Directory, _logEndOffset, config);
        PublishSegments([.. _segments, created]);
        _logger.Rolled(Directory, created.BaseOffset);

        // Bounds the replay after a crash to the active segment; fsynced below, off the append path (a torn file
        // fails its CRC at load and an older snapshot is used).
        Producers.TakeSnapshot(created.BaseOffset, fsync: false);

        // Kafka flushes the rolled segment asynchronously so the recovery point advances without blocking appends.
        long upTo = created.BaseOffset;
        _ = Task.Run(() =>
        {
            try
            {
                FlushUpTo(upTo);
                Producers.FlushSnapshot(upTo);
            }
            catch (ObjectDisposedException e)
            {
                _logger.BackgroundTaskFailed(e, "flush after roll of " + Directory);
            }
            catch (IOException e) when (e is not KafkaStorageException)
            {
                _ = DirFailed("flush after roll", e);
            }
        });
        return created;
    }
}
