using Broker.Fuzz.Seeds;
using Broker.Protocol;
using Broker.Protocol.Messages;

namespace Broker.Fuzz.Wire;

/// <summary>
/// The clean round trip after each batch, on a new connection: ApiVersions, Metadata, an acks=all Produce of one record
/// to the control topic and a Fetch of the control topic from 0. The control topic's records are exactly the ones these
/// checks produced (no seed names it, and no bit flip turns the target topic's name into it), so its end offset must
/// equal the number of checks so far: anything else means a hostile frame was appended. Not thread-safe.
/// </summary>
public sealed class HealthCheck(int port, string controlTopic)
{
    /// <summary>Records this check has appended to the control topic.</summary>
    public long Appended { get; private set; }

    /// <summary>Null when healthy, else what failed.</summary>
    public string? Run()
    {
        try
        {
            using var c = new RawClient(port);
            var versions = c.RoundTrip<ApiVersionsResponse>(new ApiVersionsRequest(), 3);
            if (versions.ErrorCode != 0) return $"ApiVersions error {versions.ErrorCode}";
            var metadata = c.RoundTrip<MetadataResponse>(new MetadataRequest { Topics = [new MetadataRequest.RequestTopic { Name = controlTopic }] }, 12);
            var topic = metadata.Topics.SingleOrDefault(t => t.Name == controlTopic);
            if (topic is null || topic.ErrorCode != 0) return $"Metadata of {controlTopic}: {(topic is null ? "missing" : "error " + topic.ErrorCode)}";
            var produced = c.RoundTrip<ProduceResponse>(SeedCorpus.Produce(controlTopic, records: 1, acks: -1), 9)
                .Responses.Single().PartitionResponses.Single();
            if (produced.ErrorCode != 0) return $"Produce to {controlTopic}: error {produced.ErrorCode} {produced.ErrorMessage}";
            if (produced.BaseOffset != Appended)
                return $"Produce to {controlTopic} got offset {produced.BaseOffset}, expected {Appended}: something else was appended";
            Appended++;
            var fetched = c.RoundTrip<FetchResponse>(SeedCorpus.Fetch(controlTopic), 12).Responses.Single().Partitions.Single();
            if (fetched.ErrorCode != 0) return $"Fetch of {controlTopic}: error {fetched.ErrorCode}";
            if (fetched.HighWatermark != Appended) return $"{controlTopic} ends at {fetched.HighWatermark}, expected {Appended}";
            return null;
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ProtocolException or InvalidOperationException)
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
    }
}
