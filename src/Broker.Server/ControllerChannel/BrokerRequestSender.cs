using Broker.Coordination.Controller.Requests;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Replication;
using Microsoft.Extensions.Logging;

namespace Broker.Server.ControllerChannel;

/// <summary>
/// The controller's queue and sender for one registration of one broker (Kafka's RequestSendThread): batches are
/// sent in the order queued, everything queued at a time folded into one request per API
/// (<see cref="ControllerBatchMerger"/>), each request retried with back-off (reconnecting) until the broker answers
/// it. Every request carries the controller epoch of its batch and this registration's broker epoch. Disposing drops
/// whatever is still queued. Thread-safety: <see cref="Enqueue"/> from any thread; one loop sends.
/// </summary>
internal sealed partial class BrokerRequestSender : IAsyncDisposable
{
    private readonly ControllerChannelOptions _options;
    private readonly ILogger _logger;
    private readonly Action<int> _onStaleControllerEpoch;
    private readonly Action<LeaderAndIsrOutcome>? _onLeaderAndIsrAnswered;
    private readonly List<BrokerRequestBatch> _queue = [];
    private readonly SemaphoreSlim _signal = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private BrokerClient? _client;

    public BrokerRequestSender(LiveBrokerInfo target, ControllerChannelOptions options, Action<int> onStaleControllerEpoch, ILogger logger,
        Action<LeaderAndIsrOutcome>? onLeaderAndIsrAnswered = null)
    {
        _onLeaderAndIsrAnswered = onLeaderAndIsrAnswered;
        Target = target;
        _options = options;
        _onStaleControllerEpoch = onStaleControllerEpoch;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>The broker registration this queue serves (its epoch goes into every request).</summary>
    public LiveBrokerInfo Target { get; }

    /// <summary>Requests the broker acknowledged (any answer counts), for tests and logs.</summary>
    public int Acknowledged => Volatile.Read(ref _acknowledged);

    private int _acknowledged;

    public void Enqueue(BrokerRequestBatch batch)
    {
        lock (_queue) _queue.Add(batch);
        _signal.Release();
    }

    private async Task RunAsync()
    {
        var ct = _stop.Token;
        try
        {
            while (true)
            {
                await _signal.WaitAsync(ct).ConfigureAwait(false);
                while (true)
                {
                    (BrokerRequestBatch Batch, int Count)? next;
                    lock (_queue) next = ControllerBatchMerger.TakeMerged(_queue);
                    if (next is not { } taken) break;
                    // The signal counts batches; those folded in here need no turn of their own.
                    for (int i = 1; i < taken.Count; i++) _signal.Wait(0, CancellationToken.None);
                    foreach (var (request, version) in ControllerRequestBuilder.Build(taken.Batch, _options.ControllerId, Target.Epoch, _options.Listener))
                        await SendUntilAnsweredAsync(request, version, taken.Batch.ControllerEpoch, ct).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogSenderFailed(ex, Target.Id);
        }
    }

    private async Task SendUntilAnsweredAsync(IKafkaRequest request, short version, int controllerEpoch, CancellationToken ct)
    {
        var backoff = _options.RetryBackoff;
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                _client ??= await ConnectAsync(ct).ConfigureAwait(false);
                var response = await _client.SendAsync<IKafkaResponse>(request, version, _options.RequestTimeout, ct).ConfigureAwait(false);
                Interlocked.Increment(ref _acknowledged);
                if (request is LeaderAndIsrRequest sent && response is LeaderAndIsrResponse answer)
                    _onLeaderAndIsrAnswered?.Invoke(LeaderAndIsrOutcomes.Read(Target, sent, answer)); // offline log dirs
                OnResponse(request.ApiKey, response, controllerEpoch);
                return;
            }
            // Any failure but our own cancellation is retried: a connect that times out surfaces as an
            // OperationCanceledException, and a sender that gave up would silently drop every later request to this
            // broker (its metadata would then lag until the next reconcile).
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                if (_client is not null) await _client.DisposeAsync().ConfigureAwait(false);
                _client = null;
                if (attempt == 1 || attempt % 10 == 0) LogRetry(request.ApiKey.ToString(), Target.Id, attempt, ex.Message);
                await Task.Delay(backoff, ct).ConfigureAwait(false);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.MaxRetryBackoff.Ticks));
            }
        }
    }

    private async Task<BrokerClient> ConnectAsync(CancellationToken ct)
    {
        var endpoint = ControllerRequestBuilder.Endpoint(Target, _options.Listener) ?? throw new IOException($"broker {Target.Id} has no endpoint");
        return await BrokerClient.ConnectAsync(Target.Id, endpoint.Host, endpoint.Port, $"controller-{_options.ControllerId}", _options.RequestTimeout, ct, _options.Tls, _options.Sasl).ConfigureAwait(false);
    }

    private void OnResponse(ApiKey api, IKafkaResponse response, int controllerEpoch)
    {
        var error = (ErrorCode)(response switch
        {
            LeaderAndIsrResponse r => r.ErrorCode,
            UpdateMetadataResponse r => r.ErrorCode,
            StopReplicaResponse r => r.ErrorCode,
            _ => (short)0,
        });
        if (error == ErrorCode.None) return;
        LogRefused(api.ToString(), Target.Id, error.ToString());
        // A broker that saw a newer controller epoch: this controller was deposed. (STALE_BROKER_EPOCH: the broker
        // registered again; the controller sends the new registration the full state on its own.)
        if (error == ErrorCode.StaleControllerEpoch) _onStaleControllerEpoch(controllerEpoch);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try { await _loop.ConfigureAwait(false); } catch (OperationCanceledException) { }
        if (_client is not null) await _client.DisposeAsync().ConfigureAwait(false);
        _client = null;
        _stop.Dispose();
        _signal.Dispose();
    }

    [LoggerMessage(580, LogLevel.Warning, "Controller: {Api} to broker {BrokerId} failed (attempt {Attempt}: {Reason}); retrying")]
    private partial void LogRetry(string api, int brokerId, int attempt, string reason);

    [LoggerMessage(581, LogLevel.Warning, "Controller: broker {BrokerId} answered {Api} with {Error}")]
    private partial void LogRefusedCore(int brokerId, string api, string error);

    private void LogRefused(string api, int brokerId, string error) => LogRefusedCore(brokerId, api, error);

    [LoggerMessage(582, LogLevel.Error, "Controller: the request sender for broker {BrokerId} stopped")]
    private partial void LogSenderFailed(Exception ex, int brokerId);
}
