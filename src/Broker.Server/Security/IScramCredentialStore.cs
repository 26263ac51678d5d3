using Broker.Coordination.Scram;
using Broker.Coordination;
using Broker.Server.Security.Sasl;

namespace Broker.Server.Security;

/// <summary>
/// SCRAM credentials as the broker sees them: lookups from the ZooKeeper cache (lock-free, for the SASL exchange)
/// and changes written to <c>/config/users</c> (AlterUserScramCredentials). Thread-safe.
/// </summary>
public interface IScramCredentialStore
{
    /// <summary>False in single-broker mode: credentials live in ZooKeeper only.</summary>
    bool IsAvailable { get; }

    ScramCredential? Get(string user, ScramMechanism mechanism);

    /// <summary>
    /// Users with at least one SCRAM credential, and their credentials' mechanisms and iterations, read from the source
    /// (not the cache), so a describe right after an alter sees it, as Kafka's admin manager reads ZooKeeper.
    /// </summary>
    Task<IReadOnlyDictionary<string, IReadOnlyList<(ScramMechanism Mechanism, int Iterations)>>> DescribeAsync(CancellationToken ct);

    /// <summary>Replaces a user's SCRAM credentials (mechanism name → credential text; other keys are kept) and notifies.</summary>
    Task AlterAsync(string user, IReadOnlyDictionary<string, string?> changes, CancellationToken ct);
}

/// <summary>The ZooKeeper store: reads from <see cref="UserConfigCache"/>, writes through <see cref="KafkaZkStore"/>.</summary>
public sealed class ZkScramCredentialStore(KafkaZkStore store, UserConfigCache cache) : IScramCredentialStore
{
    public bool IsAvailable => true;

    public ScramCredential? Get(string user, ScramMechanism mechanism) =>
        cache.Get(user)?.GetValueOrDefault(mechanism.Name) is { } text ? ScramCredential.TryParse(text) : null;

    public async Task<IReadOnlyDictionary<string, IReadOnlyList<(ScramMechanism Mechanism, int Iterations)>>> DescribeAsync(CancellationToken ct)
    {
        var result = new Dictionary<string, IReadOnlyList<(ScramMechanism, int)>>(StringComparer.Ordinal);
        foreach (var user in await store.GetConfiguredUsersAsync(ct).ConfigureAwait(false))
        {
            var config = await store.GetUserConfigAsync(user, ct).ConfigureAwait(false);
            var list = ScramMechanism.All
                .Select(m => (m, config.GetValueOrDefault(m.Name) is { } text ? ScramCredential.TryParse(text) : null))
                .Where(x => x.Item2 is not null)
                .Select(x => (x.m, x.Item2!.Iterations)).ToList();
            if (list.Count > 0) result[user] = list;
        }

        return result;
    }

    public Task AlterAsync(string user, IReadOnlyDictionary<string, string?> changes, CancellationToken ct) =>
        store.UpdateUserConfigAsync(user, current =>
        {
            var next = new Dictionary<string, string>(current, StringComparer.Ordinal);
            foreach (var (k, v) in changes)
            {
                if (v is null) next.Remove(k);
                else next[k] = v;
            }

            return next;
        }, ct);
}

/// <summary>Single-broker mode: no ZooKeeper, so no SCRAM credentials (start-up refuses SCRAM there).</summary>
public sealed class NoScramCredentialStore : IScramCredentialStore
{
    public bool IsAvailable => false;

    public ScramCredential? Get(string user, ScramMechanism mechanism) => null;

    public Task<IReadOnlyDictionary<string, IReadOnlyList<(ScramMechanism Mechanism, int Iterations)>>> DescribeAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyDictionary<string, IReadOnlyList<(ScramMechanism, int)>>>(new Dictionary<string, IReadOnlyList<(ScramMechanism, int)>>());

    public Task AlterAsync(string user, IReadOnlyDictionary<string, string?> changes, CancellationToken ct) =>
        throw new InvalidOperationException("SCRAM credentials need ZooKeeper mode");
}
