using System.Diagnostics;
using ImSignalR.FunctionalTests.Infrastructure;

namespace ImSignalR.FunctionalTests.Storage;

/// <summary>
/// A MariaDB of this test's own (scripts/mariadb.sh with a private state folder and port), so the test
/// can stop and start it without disturbing the shared one.
/// </summary>
public sealed class PrivateMariaDb : IAsyncDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("imsignalr-mariadb-").FullName;
    private readonly int _port = FreePorts.Next();

    public string ConnectionString => $"Server=127.0.0.1;Port={_port};Database=imsignalr_test;Uid=im;Pwd=im;SslMode=None;Connection Timeout=3;Default Command Timeout=10";

    public Task StartAsync() => RunAsync("start");

    public Task StopAsync() => RunAsync("stop");

    public async ValueTask DisposeAsync()
    {
        await RunAsync("stop");
        try
        {
            Directory.Delete(_state, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task RunAsync(string verb)
    {
        var script = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(HubBinary.Path))))!, "..", "..", "scripts", "mariadb.sh");
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.GetFullPath(script));
        start.ArgumentList.Add(verb);
        start.Environment["IM_TEST_STATE"] = _state;
        start.Environment["IM_TEST_MYSQL_PORT"] = _port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"mariadb.sh {verb} failed: {output}");
        }
    }

}
