using System.Text.Json;
using Broker.Protocol.Generator.Model;

namespace Broker.Protocol.Generator;

/// <summary>Emits the cross-message files: ApiKey, ApiDefinitions, RequestReader, ResponseReader and ErrorCode.</summary>
public static class TableEmitter
{
    public static string ApiKeys(IReadOnlyList<ApiSpec> apis)
    {
        var w = Start("namespace Broker.Protocol;");
        w.Line("/// <summary>Kafka API keys of the APIs this broker defines.</summary>");
        w.Open("public enum ApiKey : short");
        foreach (var api in apis)
        {
            w.Line($"{api.Name} = {api.Key},");
        }

        w.Close();
        return w.ToString();
    }

    public static string ApiDefinitions(IReadOnlyList<ApiSpec> apis)
    {
        var w = Start("namespace Broker.Protocol;");
        w.Line("/// <summary>Supported request versions and flexible-from version of every defined API. Immutable, thread-safe.</summary>");
        w.Open("public static class ApiDefinitions");
        w.Line("/// <summary>All definitions, ordered by api key.</summary>");
        w.Open("public static global::System.Collections.Generic.IReadOnlyList<ApiDefinition> All { get; } = new ApiDefinition[]");
        foreach (var api in apis)
        {
            var flexible = api.Flexible.IsEmpty ? -1 : api.Flexible.Min;
            w.Line($"new ApiDefinition(ApiKey.{api.Name}, \"{api.Name}\", {api.Versions.Min}, {api.Versions.Max}, {flexible}),");
        }

        w.Close(";");
        w.Line();
        w.Line("public static bool TryGet(ApiKey apiKey, out ApiDefinition definition) => TryGet((short)apiKey, out definition);");
        w.Line();
        w.Line("/// <summary>Looks up an api key as read from the wire; false for keys this broker does not define.</summary>");
        w.Open("public static bool TryGet(short apiKey, out ApiDefinition definition)");
        w.Open("var index = apiKey switch");
        for (var i = 0; i < apis.Count; i++)
        {
            w.Line($"{apis[i].Key} => {i},");
        }

        w.Line("_ => -1,");
        w.Close(";");
        w.Line("definition = index < 0 ? default : All[index];");
        w.Line("return index >= 0;");
        w.Close();
        w.Close();
        return w.ToString();
    }

    public static string Reader(IReadOnlyList<ApiSpec> apis, bool requests)
    {
        var kind = requests ? "Request" : "Response";
        var w = Start("namespace Broker.Protocol;");
        w.Line($"/// <summary>Reads any defined {kind.ToLowerInvariant()} body by api key. Stateless, thread-safe.</summary>");
        w.Open($"public static class {kind}Reader");
        w.Line("/// <exception cref=\"ProtocolException\">The key is not defined, the version is not supported, or the body is malformed.</exception>");
        w.Open($"public static IKafka{kind} Read(ApiKey key, short version, ref KafkaReader reader)");
        w.Open("if (!ApiDefinitions.TryGet(key, out var definition) || !definition.IsSupported(version))");
        w.Line($"throw new ProtocolException($\"Unsupported {kind.ToLowerInvariant()}: api key {{(short)key}} version {{version}}.\");");
        w.Close();
        w.Line();
        w.Open("return key switch");
        foreach (var api in apis)
        {
            w.Line($"ApiKey.{api.Name} => global::Broker.Protocol.Messages.{api.Name}{kind}.Read(ref reader, version),");
        }

        w.Line($"_ => throw new ProtocolException($\"Unsupported {kind.ToLowerInvariant()}: api key {{(short)key}}.\"),");
        w.Close(";");
        w.Close();
        w.Close();
        return w.ToString();
    }

    public static string Errors(IReadOnlyList<ErrorSpec> errors)
    {
        var w = Start("namespace Broker.Protocol;");
        w.Line("/// <summary>Kafka error codes (int16 on the wire).</summary>");
        w.Open("public enum ErrorCode : short");
        foreach (var e in errors)
        {
            if (e.Message.Length > 0)
            {
                w.Line($"/// <summary>{System.Security.SecurityElement.Escape(e.Message)}</summary>");
            }

            w.Line($"{Naming.ToPascalCase(e.Name)} = {e.Code},");
        }

        w.Close();
        w.Line();
        w.Line("/// <summary>Messages and retriability of <see cref=\"ErrorCode\"/> values. Thread-safe.</summary>");
        w.Open("public static class ErrorCodeExtensions");
        w.Line("/// <summary>Kafka's default message for the code; empty for None and unknown codes.</summary>");
        w.Open("public static string Message(this ErrorCode code) => code switch");
        foreach (var e in errors.Where(e => e.Message.Length > 0))
        {
            w.Line($"ErrorCode.{Naming.ToPascalCase(e.Name)} => {JsonSerializer.Serialize(e.Message)},");
        }

        w.Line("_ => string.Empty,");
        w.Close(";");
        w.Line();
        w.Line("/// <summary>Whether a client may retry the same request after this error.</summary>");
        w.Open("public static bool IsRetriable(this ErrorCode code) => code switch");
        var retriable = errors.Where(e => e.Retriable).Select(e => $"ErrorCode.{Naming.ToPascalCase(e.Name)}").ToList();
        for (var i = 0; i < retriable.Count; i++)
        {
            w.Line(i == 0 ? retriable[i] : $"or {retriable[i]}");
        }

        w.Line("=> true,");
        w.Line("_ => false,");
        w.Close(";");
        w.Line();
        w.Line("/// <summary>Kafka's upper-case name of the code, e.g. UNKNOWN_TOPIC_OR_PARTITION.</summary>");
        w.Open("public static string KafkaName(this ErrorCode code) => code switch");
        foreach (var e in errors)
        {
            w.Line($"ErrorCode.{Naming.ToPascalCase(e.Name)} => \"{e.Name}\",");
        }

        w.Line("_ => \"UNKNOWN\",");
        w.Close(";");
        w.Close();
        return w.ToString();
    }

    private static CodeWriter Start(string ns)
    {
        var w = new CodeWriter();
        w.Line(CodeWriter.Header().TrimEnd('\n'));
        w.Line();
        w.Line(ns);
        w.Line();
        return w;
    }
}

/// <summary>One API as derived from its request and response definitions.</summary>
public sealed record ApiSpec(short Key, string Name, VersionRange Versions, VersionRange Flexible);
