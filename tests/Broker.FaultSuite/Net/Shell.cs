using System.Diagnostics;

namespace Broker.FaultSuite.Net;

/// <summary>Runs ip/iptables (root tools) synchronously; a non-zero exit throws with the command's stderr.</summary>
public static class Shell
{
    public static string Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {p.ExitCode}: {stderr.Trim()}");
        return stdout.Result;
    }

    /// <summary>Runs a command inside a network namespace (ip netns exec).</summary>
    public static string InNamespace(string ns, string file, params string[] args) =>
        Run("ip", ["netns", "exec", ns, file, .. args]);
}
