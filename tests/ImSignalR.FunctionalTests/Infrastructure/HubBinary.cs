namespace ImSignalR.FunctionalTests.Infrastructure;

/// <summary>Finds the built hub (the project reference builds it first) in the same configuration as the tests.</summary>
internal static class HubBinary
{
    /// <summary>The repository's root: the folder above the tests that holds ImSignalR.sln. (Before <see cref="Path"/>: static initialisers run in order.)</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Path { get; } = Find();

    private static string Find()
    {
        var testDir = AppContext.BaseDirectory; // …/tests/ImSignalR.FunctionalTests/bin/{Configuration}/net10.0/
        var configuration = new DirectoryInfo(testDir).Parent!.Name;
        var path = System.IO.Path.Combine(RepoRoot, "src", "Hub", "bin", configuration, "net10.0", "ImSignalR.Hub.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build the hub first (dotnet build).", path);
    }

    private static string FindRepoRoot()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(System.IO.Path.Combine(root.FullName, "ImSignalR.sln")))
        {
            root = root.Parent;
        }
        return root?.FullName ?? throw new InvalidOperationException("ImSignalR.sln not found above " + AppContext.BaseDirectory);
    }
}
