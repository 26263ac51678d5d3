using System.Runtime.InteropServices;

namespace Broker.TestKit.Brokers;

/// <summary>POSIX signals for fault injection (Linux numbering).</summary>
internal static class Signals
{
    public const int Term = 15;
    public const int Stop = 19;
    public const int Cont = 18;

    /// <summary>kill(2); returns 0 on success.</summary>
    public static int Send(int pid, int signal) => SysKill(pid, signal);

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);
}
