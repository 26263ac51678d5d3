namespace Broker.ZooKeeper.Tests;

/// <summary>Polling with a deadline instead of sleeping.</summary>
internal static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    public static async Task UntilAsync(Func<Task<bool>> condition, string description, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (ZooKeeperException)
            {
                // Transient (connection loss while the client fails over); keep polling.
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting until {description}.");
            }

            await Task.Delay(25);
        }
    }

    public static Task UntilAsync(Func<bool> condition, string description, TimeSpan? timeout = null) =>
        UntilAsync(() => Task.FromResult(condition()), description, timeout);

    /// <summary>Awaits a task with the default deadline, failing the test (not hanging) on timeout.</summary>
    public static async Task<T> WithinAsync<T>(Task<T> task, string description)
    {
        try
        {
            return await task.WaitAsync(DefaultTimeout);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"Timed out waiting for {description}.");
            throw;
        }
    }
}
