using System.Net.Sockets;
using Broker.Fuzz.Minimize;
using Broker.Fuzz.Seeds;

namespace Broker.Fuzz.Wire;

/// <summary>
/// Sends mutated frames over many connections at once: each connection carries 1–16 frames back to back, then the
/// client half-closes and reads whatever the broker answers until the broker closes (or 5 s pass: counted as a
/// stalled connection, then closed by the client). Worker i mutates with seed <c>seed + i</c>, so a run is repeatable
/// per worker. Thread-safety: <see cref="SendBatchAsync"/> is called by one caller at a time.
/// </summary>
public sealed class FrameBlaster(int port, SeedCorpus corpus, int seed, int workers)
{
    private readonly Mutator[] _mutators = [.. Enumerable.Range(0, workers).Select(i => new Mutator(corpus, seed + i))];

    public long Connections { get; private set; }

    /// <summary>Connections the broker had not closed 5 s after the client's half-close.</summary>
    public long Stalled { get; private set; }

    /// <summary>Connections that could not be opened (refused, reset during connect).</summary>
    public long ConnectFailures { get; private set; }

    /// <summary>Api keys of the frames sent on stalled connections, with counts (which request held the connection).</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, int> StalledApis { get; } = new();

    /// <summary>The first stalled connections' frames (at most 16 kept), to minimize.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<byte[][]> StalledConnections { get; } = new();

    /// <summary>Sends <paramref name="frames"/> mutated frames; returns them by connection (kept for a failure file).</summary>
    public async Task<FrameSequence> SendBatchAsync(int frames)
    {
        int remaining = frames;
        var sent = new List<IReadOnlyList<byte[]>>[_mutators.Length];
        long connections = 0, stalled = 0, failures = 0;
        await Task.WhenAll(Enumerable.Range(0, _mutators.Length).Select(w => Task.Run(async () =>
        {
            var mine = sent[w] = [];
            var mutator = _mutators[w];
            var random = new Random(seed ^ (w * 7919));
            while (true)
            {
                int take = Math.Min(1 + random.Next(16), Interlocked.Add(ref remaining, 0));
                if (take <= 0 || Interlocked.Add(ref remaining, -take) < 0) break;
                var batch = new byte[take][];
                for (int i = 0; i < take; i++) batch[i] = mutator.Next();
                mine.Add(batch);
                switch (await SendOnOneConnectionAsync(batch).ConfigureAwait(false))
                {
                    case Outcome.Closed: Interlocked.Increment(ref connections); break;
                    case Outcome.Stalled:
                        Interlocked.Increment(ref connections);
                        Interlocked.Increment(ref stalled);
                        string key = string.Join(",", batch.Where(f => f.Length >= 8).Select(f => $"{(f[4] << 8) | f[5]}v{(f[6] << 8) | f[7]}"));
                        StalledApis.AddOrUpdate(key, 1, (_, n) => n + 1);
                        if (StalledConnections.Count < 16) StalledConnections.Enqueue(batch);
                        break;
                    default: Interlocked.Increment(ref failures); break;
                }
            }
        }))).ConfigureAwait(false);
        Connections += connections;
        Stalled += stalled;
        ConnectFailures += failures;
        return new FrameSequence([.. sent.SelectMany(s => s ?? [])]);
    }

    private enum Outcome { Closed, Stalled, ConnectFailed }

    private async Task<Outcome> SendOnOneConnectionAsync(byte[][] frames)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, LingerState = new LingerOption(true, 0) };
        try
        {
            await socket.ConnectAsync(System.Net.IPAddress.Loopback, port).ConfigureAwait(false);
        }
        catch (SocketException)
        {
            return Outcome.ConnectFailed;
        }

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            foreach (var f in frames) await socket.SendAsync(f, SocketFlags.None, deadline.Token).ConfigureAwait(false);
            socket.Shutdown(SocketShutdown.Send);
            var sink = new byte[16 * 1024];
            while (await socket.ReceiveAsync(sink, SocketFlags.None, deadline.Token).ConfigureAwait(false) > 0) { }
            return Outcome.Closed;
        }
        catch (OperationCanceledException)
        {
            return Outcome.Stalled;
        }
        catch (SocketException)
        {
            return Outcome.Closed; // the broker closed (reset) the connection on a bad frame: expected
        }
    }
}
