using Broker.Protocol.Messages;

namespace Broker.Server.Transactions;

/// <summary>
/// Sends WriteTxnMarkers to a partition leader and returns its answer. Throws (IOException, TimeoutException) when the
/// broker cannot be reached; the caller retries. Thread-safe.
/// </summary>
public interface ITxnMarkerChannel
{
    Task<WriteTxnMarkersResponse> SendAsync(int brokerId, WriteTxnMarkersRequest request, CancellationToken ct);
}
