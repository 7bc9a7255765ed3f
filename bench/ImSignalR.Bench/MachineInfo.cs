namespace ImSignalR.Bench;

/// <summary>The machine the figures come from: cores, memory, CPU model (/proc).</summary>
internal static class MachineInfo
{
    public static object Describe() => new
    {
        processors = Environment.ProcessorCount,
        cpuModel = Read("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim(),
        memTotal = Read("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal", StringComparison.Ordinal))?.Split(':', 2)[1].Trim(),
        runtime = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
        os = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
        loadAverage = ServerSample.LoadAverage(),
    };

    private static string[] Read(string path) => File.Exists(path) ? File.ReadAllLines(path) : [];
}
