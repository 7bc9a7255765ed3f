using System.Runtime.InteropServices;

namespace ImSignalR.Bench;

/// <summary>
/// Raises this process's open-file limit (inherited by the hub it starts): 20,000 idle connections need 20,000
/// sockets on each side, beyond a default soft limit. As root the hard limit can be raised too.
/// </summary>
internal static partial class FdLimit
{
    private const int RlimitNofile = 7;

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Max;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getrlimit(int resource, out RLimit limit);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setrlimit(int resource, in RLimit limit);

    /// <returns>The soft limit now in force (unchanged when raising was refused or this is not Linux).</returns>
    public static ulong Raise(ulong wanted)
    {
        if (!OperatingSystem.IsLinux() || getrlimit(RlimitNofile, out var limit) != 0)
        {
            return 0;
        }
        if (limit.Current >= wanted)
        {
            return limit.Current;
        }
        var raised = new RLimit { Current = wanted, Max = Math.Max(limit.Max, wanted) };
        if (setrlimit(RlimitNofile, raised) == 0)
        {
            return wanted;
        }
        // Not root: up to the hard limit at least.
        var soft = new RLimit { Current = Math.Min(wanted, limit.Max), Max = limit.Max };
        return setrlimit(RlimitNofile, soft) == 0 ? soft.Current : limit.Current;
    }
}
