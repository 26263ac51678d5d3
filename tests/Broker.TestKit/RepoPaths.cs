namespace Broker.TestKit;

/// <summary>Locates the repository root and the built broker so tests can launch real processes.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The broker built by bin/test.sh (or bin/server-start.sh) into .build/broker.</summary>
    public static string BrokerDll => Path.Combine(Root, ".build", "broker", "Broker.Host.dll");

    public static string Bin(string script) => Path.Combine(Root, "bin", script);

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Broker.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root (Broker.sln) not found above " + AppContext.BaseDirectory);
    }
}
