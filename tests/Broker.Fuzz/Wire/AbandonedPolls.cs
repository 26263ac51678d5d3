using System.Net.Sockets;
using Broker.Fuzz.Seeds;

namespace Broker.Fuzz.Wire;

/// <summary>
/// Long polls whose clients leave: connect, send a Fetch v12 of an empty topic with max_wait_ms = 2^31-1, close at once
/// (half with a FIN, half with a reset; no answer is ever read). The broker must release each socket and its parked wait when the client goes,
/// not when the wait ends. Runs <c>concurrency</c> clients at a time.
/// </summary>
public static class AbandonedPolls
{
    public static async Task<long> RunAsync(int port, string emptyTopic, int polls, int concurrency)
    {
        byte[] frame = SeedCorpus.Encode(SeedCorpus.Fetch(emptyTopic, maxWaitMs: int.MaxValue), 12, 1, "fuzz-poll");
        int next = 0;
        long failures = 0;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) <= polls)
            {
                // Half the clients close with a FIN, half with a reset (linger 0): both must release the wait.
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                if (i % 2 == 1) socket.LingerState = new LingerOption(true, 0);
                try
                {
                    await socket.ConnectAsync(System.Net.IPAddress.Loopback, port).ConfigureAwait(false);
                    await socket.SendAsync(frame, SocketFlags.None).ConfigureAwait(false);
                }
                catch (SocketException)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }))).ConfigureAwait(false);
        return failures;
    }
}
