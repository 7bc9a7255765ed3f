namespace ImSignalR.Bench;

/// <summary>Finds the repository root and the server binaries built next to the bench (same configuration).</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    // …/bench/ImSignalR.Bench/bin/{Configuration}/net10.0/
    private static string Configuration => new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;

    /// <summary>The hub the bench starts: the build next to it, or a published one (<c>IM_BENCH_HUB_DLL</c>, e.g. ReadyToRun).</summary>
    public static string HubDll => Environment.GetEnvironmentVariable("IM_BENCH_HUB_DLL") is { Length: > 0 } published
        ? (File.Exists(published) ? published : throw new FileNotFoundException("IM_BENCH_HUB_DLL does not exist.", published))
        : Binary(Path.Combine("src", "Hub"), "ImSignalR.Hub.dll");

    public static string RelayDll => Binary(Path.Combine("bench", "ImSignalR.Bench.RelayHub"), "ImSignalR.Bench.RelayHub.dll");

    private static string Binary(string project, string dll)
    {
        var path = Path.Combine(Root, project, "bin", Configuration, "net10.0", dll);
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build it first (dotnet build -c {Configuration}).", path);
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ImSignalR.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("ImSignalR.sln not found above " + AppContext.BaseDirectory);
    }
}
