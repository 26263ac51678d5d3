using System.Diagnostics;
using System.Net.Sockets;
using Broker.Fuzz.Probe;
using Broker.Fuzz.Wire;
using Broker.Protocol.Messages;
using Broker.TestKit;
using Broker.TestKit.Brokers;
using Broker.TestKit.ZooKeeper;

namespace Broker.Fuzz.Minimize;

/// <summary>
/// A fresh ZooKeeper and broker (the fuzzer's settings) that replays a <see cref="FrameSequence"/> and says which
/// <see cref="FailureKind"/>s it showed: the connections one after another (not concurrently, so a failure that needs
/// two connections at once may not reproduce), each sent back to back, half-closed and read until the broker closes.
/// After a crash the next replay starts on a new ZooKeeper and broker. Not thread-safe.
/// </summary>
public sealed class ReplayTarget : IAsyncDisposable
{
    /// <summary>How long the broker may keep a connection after the client's half-close (the fuzzer's bound).</summary>
    public static readonly TimeSpan StallAfter = TimeSpan.FromSeconds(5);

    /// <summary>A leak check replays the sequence this many times: a leak of one handle per replay shows as dozens.</summary>
    public const int LeakRepeats = 50;

    private const int LeakTolerance = 10;
    private readonly TextWriter _log;
    private ZooKeeperServer? _zk;
    private BrokerProcess? _broker;
    private HealthCheck? _health;

    private ReplayTarget(TextWriter log) => _log = log;

    public int Port => _broker!.Port;

    public static async Task<ReplayTarget> StartAsync(TextWriter log)
    {
        var target = new ReplayTarget(log);
        await target.RestartAsync();
        return target;
    }

    /// <summary>Replays <paramref name="sequence"/>; the result holds every kind seen (Leak only when asked for).</summary>
    public async Task<IReadOnlySet<FailureKind>> ReplayAsync(FrameSequence sequence, bool checkLeak = false)
    {
        var seen = new HashSet<FailureKind>();
        if (_broker is not { IsRunning: true }) await RestartAsync();
        int pid = _broker!.Pid!.Value;
        var before = ProcessSnapshot.Take(pid, _broker.LogDir);
        int repeats = checkLeak ? LeakRepeats : 1;
        for (int r = 0; r < repeats && _broker.IsRunning; r++)
        {
            foreach (var connection in sequence.Connections)
            {
                if (await SendAsync(_broker.Port, connection) == Outcome.Stalled) seen.Add(FailureKind.Stall);
                if (!_broker.IsRunning) break;
            }
        }

        if (!_broker.IsRunning || _health!.Run() is not null)
        {
            seen.Add(FailureKind.Crash);
            await StopAsync();
            return seen;
        }

        if (checkLeak && await HandlesGrewAsync(pid, before)) seen.Add(FailureKind.Leak);
        return seen;
    }

    private async Task<bool> HandlesGrewAsync(int pid, ProcessSnapshot before)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (ProcessSnapshot.Take(pid, _broker!.LogDir).Handles <= before.Handles + LeakTolerance) return false;
            await Task.Delay(250);
        }

        return true;
    }

    private enum Outcome { Closed, Stalled }

    private static async Task<Outcome> SendAsync(int port, IReadOnlyList<byte[]> frames)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, LingerState = new LingerOption(true, 0) };
        using var deadline = new CancellationTokenSource(StallAfter);
        try
        {
            await socket.ConnectAsync(System.Net.IPAddress.Loopback, port);
            foreach (var f in frames) await socket.SendAsync(f, SocketFlags.None, deadline.Token);
            socket.Shutdown(SocketShutdown.Send);
            var sink = new byte[16 * 1024];
            while (await socket.ReceiveAsync(sink, SocketFlags.None, deadline.Token) > 0) { }
            return Outcome.Closed;
        }
        catch (OperationCanceledException)
        {
            return Outcome.Stalled;
        }
        catch (SocketException)
        {
            return Outcome.Closed; // refused or reset: a crash shows in the health check
        }
    }

    private async Task RestartAsync()
    {
        await StopAsync();
        _zk = await ZooKeeperServer.LaunchAsync();
        _broker = new BrokerProcess(1, FuzzRunner.BrokerSettings(_zk.ConnectString));
        await _broker.StartAsync();
        const string control = "fuzz-control-replay";
        foreach (var t in new[] { control, FuzzRunner.TargetTopic, FuzzRunner.PollTopic }) await FuzzRunner.CreateTopicAsync(_broker.Port, t);
        _health = new HealthCheck(_broker.Port, control);
        _log.WriteLine($"replay: broker pid {_broker.Pid} on port {_broker.Port}");
    }

    private async Task StopAsync()
    {
        _broker?.Dispose();
        _broker = null;
        if (_zk is not null) await _zk.DisposeAsync();
        _zk = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
