namespace ImSignalR.FunctionalTests.Infrastructure;

/// <summary>Finds the built hub (the project reference builds it first) in the same configuration as the tests.</summary>
internal static class HubBinary
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        var testDir = AppContext.BaseDirectory; // …/tests/ImSignalR.FunctionalTests/bin/{Configuration}/net10.0/
        var configuration = new DirectoryInfo(testDir).Parent!.Name;
        var root = new DirectoryInfo(testDir);
        while (root is not null && !File.Exists(System.IO.Path.Combine(root.FullName, "ImSignalR.sln")))
        {
            root = root.Parent;
        }
        if (root is null)
        {
            throw new InvalidOperationException("ImSignalR.sln not found above " + testDir);
        }
        var path = System.IO.Path.Combine(root.FullName, "src", "Hub", "bin", configuration, "net10.0", "ImSignalR.Hub.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build the hub first (dotnet build).", path);
    }
}
