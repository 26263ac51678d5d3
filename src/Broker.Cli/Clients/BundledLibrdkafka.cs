using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Broker.Clients;

/// <summary>
/// Makes Confluent.Kafka use the librdkafka it ships with (runtimes/&lt;rid&gt;/native next to the assembly), never a
/// system copy. Left to itself, Confluent.Kafka binds <c>[DllImport("librdkafka")]</c> to the first
/// <c>librdkafka.so</c> that loads: its bundled default build needs CentOS's <c>libsasl2.so.3</c> and does not load on
/// Debian, so the dynamic loader's search wins, and on a machine with Debian's <c>librdkafka-dev</c> (2.0.2) that is
/// the system library; every call into a newer function then fails with <see cref="EntryPointNotFoundException"/>.
/// This file is linked into every assembly that uses Confluent.Kafka (tools and tests); its module initializer runs
/// once, when the assembly loads, before any client can be built.
/// </summary>
internal static class BundledLibrdkafka
{
#pragma warning disable CA2255 // a module initializer is the point: no code path may create a client first
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register()
    {
        try
        {
            // Not Library.Load(path): its Linux loader dlopens "libdl", absent on glibc 2.34+ without libc6-dev.
            NativeLibrary.SetDllImportResolver(typeof(Confluent.Kafka.Library).Assembly, (name, _, _) =>
                name == "librdkafka" ? LoadBundled() : IntPtr.Zero);
        }
        catch (InvalidOperationException)
        {
            // Another assembly of this process links this file too and registered first: same resolver.
        }
    }

    /// <summary>
    /// The first bundled build that loads on this machine (the default, then the glibc build Confluent.Kafka falls
    /// back to), or zero where none does; then the runtime's normal lookup applies.
    /// </summary>
    internal static IntPtr LoadBundled()
    {
        foreach (string path in BundledCandidates())
            if (File.Exists(path) && NativeLibrary.TryLoad(path, out IntPtr handle)) return handle;
        return IntPtr.Zero;
    }

    /// <summary>Paths of the bundled native builds for this process's platform, most preferred first.</summary>
    internal static IEnumerable<string> BundledCandidates()
    {
        string? arch = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => "x64",
            Architecture.Arm64 => "arm64",
            _ => null,
        };
        if (arch is null) yield break;
        if (OperatingSystem.IsLinux())
        {
            string dir = Path.Combine(AppContext.BaseDirectory, "runtimes", $"linux-{arch}", "native");
            yield return Path.Combine(dir, "librdkafka.so");
            yield return Path.Combine(dir, "centos8-librdkafka.so");
        }
        else if (OperatingSystem.IsMacOS())
        {
            yield return Path.Combine(AppContext.BaseDirectory, "runtimes", $"osx-{arch}", "native", "librdkafka.dylib");
        }
        // Windows searches the application's folder before the system's: no system copy can win there.
    }
}
