using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;

namespace ImSignalR.FunctionalTests.Infrastructure;

/// <summary>
/// A real hub node: <c>dotnet ImSignalR.Hub.dll</c> in its own process on a free loopback port, with
/// its own data folder. Restartable (same port, same data) and killable (SIGKILL) for failure tests.
/// </summary>
public sealed class HubProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Dictionary<string, string> _environment;
    private readonly StringBuilder _output = new();
    private Process? _process;

    private HubProcess(int port, string dataDirectory, Dictionary<string, string> environment)
    {
        Port = port;
        DataDirectory = dataDirectory;
        _environment = environment;
        BaseUri = new Uri($"http://127.0.0.1:{port}");
        Http = new HttpClient { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(30) };
    }

    public int Port { get; }

    public string DataDirectory { get; }

    public Uri BaseUri { get; }

    public Uri HubUri => new(BaseUri, "/hubs/chat");

    public HttpClient Http { get; }

    /// <summary>True once the process ended (killed, crashed, or killed itself through a fault hook).</summary>
    public bool HasExited => _process is null || _process.HasExited;

    /// <summary>The overall status <c>/health/ready</c> reports (<c>Healthy</c>, <c>Degraded</c>, <c>Unhealthy</c>), or null when it does not answer.</summary>
    public async Task<string?> ReadinessAsync()
    {
        try
        {
            using var response = await Http.GetAsync("/health/ready");
            using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return body.RootElement.GetProperty("status").GetString();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>What the process printed (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/> and, if it throws, rethrows with the node's last log lines attached:
    /// a failure seen only in CI then says what the server did, not just what the client saw.
    /// </summary>
    public async Task<T> ExplainFailureAsync<T>(string what, Func<Task<T>> body)
    {
        try
        {
            return await body();
        }
        catch (Exception ex)
        {
            // The node logs through a background queue and a pipe: give the lines about this failure time to arrive.
            await Task.Delay(500);
            var lines = Output.Split('\n');
            var tail = string.Join('\n', lines[Math.Max(0, lines.Length - 40)..]);
            throw new InvalidOperationException($"{what} failed: {ex.GetType().Name}: {ex.Message}\n--- last lines of the node's log ---\n{tail}", ex);
        }
    }

    /// <summary>Starts a node; <paramref name="settings"/> are <c>Im__…</c>-style environment variables.</summary>
    public static async Task<HubProcess> StartAsync(IReadOnlyDictionary<string, string>? settings = null, string? dataDirectory = null)
    {
        dataDirectory ??= Directory.CreateTempSubdirectory("imsignalr-hub-").FullName;
        var environment = new Dictionary<string, string>
        {
            ["Im__Store__ConnectionString"] = $"Data Source={Path.Combine(dataDirectory, "im.db")}",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__ImSignalR"] = "Information",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }
        var hub = new HubProcess(FreePorts.Next(), dataDirectory, environment);
        await hub.StartAsync();
        return hub;
    }

    /// <summary>Starts the process again on the same port and data.</summary>
    public async Task StartAsync()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = DataDirectory,
        };
        start.ArgumentList.Add(HubBinary.Path);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(BaseUri.ToString().TrimEnd('/'));
        foreach (var (key, value) in _environment)
        {
            start.Environment[key] = value;
        }
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["DOTNET_gcServer"] = "0";
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        await WaitReadyAsync();
    }

    /// <summary>SIGKILL: no graceful shutdown, like a crashed node.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
    }

    /// <summary>SIGSTOP: the process stops answering but keeps its sockets (a hung node); <see cref="Kill"/> ends it.</summary>
    public async Task FreezeAsync()
    {
        if (_process is { HasExited: false } process)
        {
            using var stop = Process.Start("kill", ["-STOP", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await stop!.WaitForExitAsync();
        }
    }

    /// <summary>SIGCONT: a frozen process goes on where it stopped.</summary>
    public async Task ThawAsync()
    {
        if (_process is { HasExited: false } process)
        {
            using var resume = Process.Start("kill", ["-CONT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await resume!.WaitForExitAsync();
        }
    }

    /// <summary>SIGTERM and wait: graceful shutdown.</summary>
    public async Task StopAsync()
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill!.WaitForExitAsync();
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
        }
    }

    public async Task<string> TokenAsync(string userId, params string[] scopes)
    {
        using var response = await Http.PostAsJsonAsync("/api/dev/token", new { userId, scopes });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<TokenResponse>();
        return body!.Token;
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        Http.Dispose();
        _process?.Dispose();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
        await Task.CompletedTask;
    }

    private async Task WaitReadyAsync()
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process!.HasExited)
            {
                // Without a timeout WaitForExit also waits for the redirected output to be read to its end: the last
                // lines (the exception that stopped the node) arrive after HasExited turns true (clean CI of 4c9e372).
                _process.WaitForExit();
                throw new InvalidOperationException($"The hub exited with {_process.ExitCode}:\n{Output}");
            }
            try
            {
                using var response = await Http.GetAsync("/health/ready");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"The hub was not ready within {StartTimeout}:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }


    private sealed record TokenResponse(string Token);
}
