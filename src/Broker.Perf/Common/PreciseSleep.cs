using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Broker.Perf.Common;

/// <summary>
/// Sleeps until a Stopwatch timestamp with ~10–50 µs accuracy: on Linux a nanosleep (after lowering this thread's
/// timer slack to 1 µs) for all but the last 15 µs, then yields until due; elsewhere Thread.Sleep for the whole
/// milliseconds and yields for the rest. Thread.Sleep alone cannot pace 10,000 sends/s (it rounds up to ~1 ms).
/// </summary>
internal static class PreciseSleep
{
    private const int PrSetTimerSlack = 29;
    private static readonly long SpinTicks = Stopwatch.Frequency * 15 / 1_000_000;
    private static readonly bool Native = OperatingSystem.IsLinux();

    [ThreadStatic]
    private static bool _slackSet;

    public static void Until(long dueTimestamp)
    {
        while (true)
        {
            long remaining = dueTimestamp - Stopwatch.GetTimestamp();
            if (remaining <= 0) return;
            if (remaining > SpinTicks)
            {
                long sleepTicks = remaining - SpinTicks;
                if (Native && TryNanoSleep(sleepTicks)) continue;
                int ms = (int)(sleepTicks * 1000 / Stopwatch.Frequency);
                if (ms >= 1)
                {
                    Thread.Sleep(ms);
                    continue;
                }
            }

            Thread.Yield();
        }
    }

    private static bool TryNanoSleep(long ticks)
    {
        try
        {
            if (!_slackSet)
            {
                _ = Prctl(PrSetTimerSlack, 1000, 0, 0, 0);
                _slackSet = true;
            }

            long ns = (long)(ticks * (1_000_000_000.0 / Stopwatch.Frequency));
            var req = new Timespec { Seconds = ns / 1_000_000_000, Nanoseconds = ns % 1_000_000_000 };
            _ = NanoSleep(ref req, IntPtr.Zero);
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "nanosleep")]
    private static extern int NanoSleep(ref Timespec req, IntPtr rem);

    [DllImport("libc", EntryPoint = "prctl")]
    private static extern int Prctl(int option, ulong arg2, ulong arg3, ulong arg4, ulong arg5);
}
