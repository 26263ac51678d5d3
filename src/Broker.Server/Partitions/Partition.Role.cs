namespace Broker.Server.Partitions;

public sealed partial class Partition
{
    private readonly Dictionary<int, FollowerState> _followers = [];
    private int _stateVersion = -1;
    private long _leaderEpochStartOffset;

    /// <summary>
    /// Becomes (or stays) leader at <paramref name="leaderEpoch"/> as ZooKeeper says. A new epoch starts at the log
    /// end (recorded in the leader-epoch cache, so followers can find where they diverge), and every in-sync
    /// follower gets a full lag window to fetch before it can be dropped from the ISR.
    /// Returns true when the role or epoch changed.
    /// </summary>
    public bool MakeLeader(int leaderEpoch, int[] replicas, int[] isr, int stateVersion)
    {
        long nowMs = NowMs;
        lock (_stateLock)
        {
            bool changed = !_isLeader || _leaderEpoch != leaderEpoch;
            _replicas = replicas;
            if (changed)
            {
                _leaderEpoch = leaderEpoch;
                _leaderId = _localBrokerId;
                _followers.Clear();
                foreach (int r in replicas)
                {
                    if (r != _localBrokerId)
                        _followers[r] = new FollowerState { LastCaughtUpTimeMs = isr.Contains(r) ? nowMs : 0, LastFetchTimeMs = nowMs };
                }

                _leaderEpochStartOffset = Log.LogEndOffset;
                Log.LeaderEpochs.Assign(leaderEpoch, _leaderEpochStartOffset);
                _isr = isr;
                _stateVersion = stateVersion;
                if (!_isLeader) _leaderSinceEpoch = leaderEpoch;
                _isLeader = true;
            }
            else
            {
                if (stateVersion > _stateVersion)
                {
                    // Same term, newer state: the controller changed the ISR (a dead follower removed).
                    _isr = isr;
                    _stateVersion = stateVersion;
                }

                // A replica added to the assignment may fetch (and catch up into the ISR) from now on. One removed
                // keeps its entry: while ZooKeeper lists it in the ISR it holds the high watermark back until the
                // lag check drops it.
                foreach (int r in replicas)
                {
                    if (r != _localBrokerId && !_followers.ContainsKey(r)) _followers[r] = new FollowerState { LastFetchTimeMs = nowMs };
                }
            }

            MaybeAdvanceHighWatermarkLocked();
            HighWatermarkChanged.Notify();
            return changed;
        }
    }

    /// <summary>
    /// Becomes a follower of <paramref name="leaderId"/> (-1: the partition is offline). Produce and consumer
    /// fetches are refused from now on; requests waiting on replication are woken to fail.
    /// Returns true when the role, leader or epoch changed (the fetcher must then re-truncate).
    /// </summary>
    public bool MakeFollower(int leaderId, int leaderEpoch, int[] replicas, int[] isr, int stateVersion)
    {
        lock (_stateLock)
        {
            bool changed = _isLeader || _leaderEpoch != leaderEpoch || _leaderId != leaderId;
            _isLeader = false;
            _leaderSinceEpoch = -1;
            _leaderEpoch = leaderEpoch;
            _leaderId = leaderId;
            _replicas = replicas;
            _isr = isr;
            _stateVersion = stateVersion;
            _followers.Clear();
            HighWatermarkChanged.Notify();
            DataAppended.Notify();
            return changed;
        }
    }

    /// <summary>
    /// Stops this replica for good (Kafka's StopReplica): it no longer leads or follows, and requests waiting on it
    /// are woken to fail. Returns whether it was leader. Called before its log is deleted.
    /// </summary>
    public bool Stop()
    {
        lock (_stateLock)
        {
            bool wasLeader = _isLeader;
            _isLeader = false;
            _leaderSinceEpoch = -1;
            _leaderId = -1;
            _followers.Clear();
            HighWatermarkChanged.Notify();
            DataAppended.Notify();
            return wasLeader;
        }
    }
}
