using System.Net;

namespace Broker.Network;

/// <summary>
/// Counts open connections, in total and per client address, against Kafka's limits: <c>max.connections</c> (the
/// accept loops wait for a free slot, as Kafka's acceptor does) and <c>max.connections.per.ip</c> with its overrides
/// (a connection over its address's limit is closed right after accept, as Kafka does). One instance is shared by all
/// listeners of a broker, so the total is broker-wide. Thread-safe: every operation takes one lock; waiters for a slot
/// are woken by <see cref="Release"/>.
/// </summary>
public sealed class ConnectionQuotas
{
    private readonly object _lock = new();
    private readonly Dictionary<IPAddress, int> _perIp = [];
    private readonly IReadOnlyDictionary<IPAddress, int> _overrides;
    private TaskCompletionSource _slotFreed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _total;

    /// <param name="maxConnections">Most connections open at once over all listeners.</param>
    /// <param name="maxPerIp">Most connections from one address, unless <paramref name="overrides"/> names it.</param>
    /// <param name="overrides">Per-address limits that replace <paramref name="maxPerIp"/>.</param>
    public ConnectionQuotas(int maxConnections = int.MaxValue, int maxPerIp = int.MaxValue, IReadOnlyDictionary<IPAddress, int>? overrides = null)
    {
        _maxConnections = maxConnections;
        _maxPerIp = maxPerIp;
        _overrides = overrides?.ToDictionary(kv => Normalize(kv.Key), kv => kv.Value) ?? [];
    }

    private volatile int _maxConnections;
    private volatile int _maxPerIp;

    public int MaxConnections => _maxConnections;

    public int MaxPerIp => _maxPerIp;

    /// <summary>
    /// Changes both limits at runtime (dynamic broker configs). Open connections above a lowered limit stay open, as
    /// Kafka's; a raised total wakes the accept loops waiting for a slot.
    /// </summary>
    public void UpdateLimits(int maxConnections, int maxPerIp)
    {
        TaskCompletionSource freed;
        lock (_lock)
        {
            _maxConnections = maxConnections;
            _maxPerIp = maxPerIp;
            freed = _slotFreed;
            _slotFreed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        freed.TrySetResult();
    }

    /// <summary>Connections currently counted, over all addresses.</summary>
    public int Total
    {
        get { lock (_lock) return _total; }
    }

    /// <summary>Connections currently counted for <paramref name="address"/>.</summary>
    public int CountOf(IPAddress address)
    {
        lock (_lock) return _perIp.GetValueOrDefault(Normalize(address));
    }

    /// <summary>The per-address limit that applies to <paramref name="address"/>.</summary>
    public int LimitOf(IPAddress address) => _overrides.TryGetValue(Normalize(address), out int limit) ? limit : MaxPerIp;

    /// <summary>
    /// Counts a new connection from <paramref name="address"/>, or refuses it (returns false, counts nothing) when
    /// that address already has its limit. The total limit is not checked here: wait with
    /// <see cref="WaitForSlotAsync"/> before accepting.
    /// </summary>
    public bool TryAcquire(IPAddress address)
    {
        address = Normalize(address);
        int limit = LimitOf(address);
        lock (_lock)
        {
            int count = _perIp.GetValueOrDefault(address);
            if (count >= limit) return false;
            _perIp[address] = count + 1;
            _total++;
            return true;
        }
    }

    /// <summary>Uncounts a connection counted by <see cref="TryAcquire"/>; wakes an accept loop waiting for a slot.</summary>
    public void Release(IPAddress address)
    {
        address = Normalize(address);
        TaskCompletionSource freed;
        lock (_lock)
        {
            if (!_perIp.TryGetValue(address, out int count)) return;
            if (count <= 1) _perIp.Remove(address);
            else _perIp[address] = count - 1;
            _total--;
            freed = _slotFreed;
            _slotFreed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        freed.TrySetResult();
    }

    /// <summary>Completes when fewer than <see cref="MaxConnections"/> connections are open (at once if so now).</summary>
    public async Task WaitForSlotAsync(CancellationToken ct)
    {
        while (true)
        {
            Task freed;
            lock (_lock)
            {
                if (_total < MaxConnections) return;
                freed = _slotFreed.Task;
            }

            await freed.WaitAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>Dual-mode sockets report IPv4 clients as ::ffff:a.b.c.d; both forms are one address.</summary>
    public static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
