using Broker.Coordination.ZNodes;
using Broker.ZooKeeper;

namespace Broker.Coordination;

public sealed partial class KafkaZkStore
{
    /// <summary>Users that have a <c>/config/users</c> node (desanitized names).</summary>
    public async Task<IReadOnlyList<string>> GetConfiguredUsersAsync(CancellationToken ct = default)
    {
        try
        {
            var (children, _) = await zk.GetChildrenAsync(UserConfigZNode.Root, null, ct).ConfigureAwait(false);
            return children.Select(UserConfigZNode.Desanitize).ToList();
        }
        catch (NoNodeException)
        {
            return [];
        }
    }

    /// <summary>A user's config (empty when the user has no node).</summary>
    public async Task<IReadOnlyDictionary<string, string>> GetUserConfigAsync(string user, CancellationToken ct = default)
    {
        try
        {
            var (data, _) = await zk.GetDataAsync(UserConfigZNode.PathOf(user), null, ct).ConfigureAwait(false);
            return UserConfigZNode.Decode(user, data).Config;
        }
        catch (NoNodeException)
        {
            return new Dictionary<string, string>();
        }
    }

    /// <summary>
    /// Changes a user's config as Kafka's AdminZkClient.changeUserOrUserClientIdConfig: <paramref name="change"/> maps
    /// the current config to the new one, written by compare-and-set (retried when another writer got in between),
    /// then a change notification <c>{"version":2,"entity_path":"users/&lt;user&gt;"}</c> tells every broker.
    /// Creates <c>/config/users</c> when missing (bootstrapping before any broker ran).
    /// </summary>
    public async Task UpdateUserConfigAsync(string user, Func<IReadOnlyDictionary<string, string>, IReadOnlyDictionary<string, string>> change,
        CancellationToken ct = default)
    {
        string path = UserConfigZNode.PathOf(user);
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                var (data, stat) = await zk.GetDataAsync(path, null, ct).ConfigureAwait(false);
                var next = new UserConfigZNode(change(UserConfigZNode.Decode(user, data).Config)).Encode();
                await zk.SetDataAsync(path, next, stat.Version, ct).ConfigureAwait(false);
                break;
            }
            catch (NoNodeException)
            {
                try
                {
                    var next = new UserConfigZNode(change(new Dictionary<string, string>())).Encode();
                    await zk.CreateRecursiveAsync(path, next, CreateMode.Persistent, ct).ConfigureAwait(false);
                    break;
                }
                catch (NodeExistsException)
                {
                    // created meanwhile: read and change it
                }
            }
            catch (BadVersionException)
            {
                // changed meanwhile: read again
            }
        }

        await zk.CreateRecursiveAsync(ConfigChangeZNode.Prefix, new ConfigChangeZNode(UserConfigZNode.EntityPathOf(user)).Encode(),
            CreateMode.PersistentSequential, ct).ConfigureAwait(false);
    }

    /// <summary>Reads a change notification's entity path; null when the notification is gone (cleaned up).</summary>
    public async Task<string?> GetConfigChangeEntityAsync(string child, CancellationToken ct = default)
    {
        try
        {
            var (data, _) = await zk.GetDataAsync($"{ConfigChangeZNode.Root}/{child}", null, ct).ConfigureAwait(false);
            return ConfigChangeZNode.Decode(data).EntityPath;
        }
        catch (NoNodeException)
        {
            return null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
