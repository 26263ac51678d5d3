using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Broker.Coordination.ZNodes;

/// <summary>
/// JSON helpers for znode values. Kafka writes compact UTF-8 JSON (Jackson); key order does not matter to readers.
/// </summary>
internal static class ZkJson
{
    /// <summary>
    /// Jackson escapes only quotes, backslashes and control characters; System.Text.Json's default encoder would also
    /// write '&lt;' as \u003C, so Kafka's <c>brokers/&lt;default&gt;</c> entity path would not read as Kafka writes it.
    /// </summary>
    private static readonly JsonSerializerOptions AsJackson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Encode(JsonObject value) => Encoding.UTF8.GetBytes(value.ToJsonString(AsJackson));

    public static JsonObject Decode(ReadOnlySpan<byte> data, string path)
    {
        try
        {
            return JsonNode.Parse(data) as JsonObject ?? throw new FormatException($"{path}: value is not a JSON object");
        }
        catch (JsonException ex)
        {
            throw new FormatException($"{path}: invalid JSON ({ex.Message})", ex);
        }
    }

    public static int[] IntArray(JsonNode? node) => node is JsonArray a ? a.Select(x => x!.GetValue<int>()).ToArray() : [];

    public static JsonArray ToArray(IEnumerable<int> values) => new(values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());
}
