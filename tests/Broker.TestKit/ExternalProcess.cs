using System.Diagnostics;
using System.Text;

namespace Broker.TestKit;

/// <summary>Result of a finished external command.</summary>
public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError, byte[] RawOutput);

/// <summary>Runs real client programs (kcat, Debian's python3, bash scripts) with a deadline.</summary>
public static class ExternalProcess
{
    public static async Task<ProcessResult> RunAsync(string file, IEnumerable<string> args, byte[]? stdin = null,
        TimeSpan? timeout = null, IDictionary<string, string>? env = null, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepoPaths.Root,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (env is not null) foreach (var kv in env) psi.Environment[kv.Key] = kv.Value;
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = new MemoryStream();
        var copyOut = p.StandardOutput.BaseStream.CopyToAsync(stdout);
        var readErr = p.StandardError.ReadToEndAsync();
        if (stdin is not null) await p.StandardInput.BaseStream.WriteAsync(stdin);
        p.StandardInput.Close();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(120));
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', psi.ArgumentList)} did not finish in time; stderr: {await readErr}");
        }

        await copyOut;
        var raw = stdout.ToArray();
        return new ProcessResult(p.ExitCode, Encoding.UTF8.GetString(raw), await readErr, raw);
    }

    /// <summary>Debian's interpreter: the python3 on PATH may not see Debian's python3-kafka.</summary>
    public const string DebianPython = "/usr/bin/python3";
}
