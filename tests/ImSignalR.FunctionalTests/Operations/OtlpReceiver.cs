using System.Collections.Concurrent;
using System.Net;
using System.Text;
using ImSignalR.FunctionalTests.Infrastructure;

namespace ImSignalR.FunctionalTests.Operations;

/// <summary>
/// An OTLP/HTTP endpoint that accepts every export and keeps the bodies by path (<c>/v1/traces</c>,
/// <c>/v1/metrics</c>). Protobuf strings are plain UTF-8 on the wire, so a span or metric name can be
/// found in a body without decoding it.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<byte[]>> _bodies = new(StringComparer.Ordinal);
    private readonly Task _loop;

    private OtlpReceiver(int port)
    {
        Endpoint = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(Endpoint.ToString());
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    public Uri Endpoint { get; }

    public static OtlpReceiver Start() => new(FreePorts.Next());

    /// <summary>True once some body posted to <paramref name="path"/> contains every one of <paramref name="names"/>.</summary>
    public bool Received(string path, params string[] names)
    {
        if (!_bodies.TryGetValue(path, out var bodies))
        {
            return false;
        }
        var all = bodies.ToArray();
        return names.All(name => all.Any(body => body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(name)) >= 0));
    }

    public IReadOnlyCollection<string> Paths => _bodies.Keys.ToList();

    private async Task AcceptAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            _bodies.GetOrAdd(context.Request.Url!.AbsolutePath, _ => new ConcurrentQueue<byte[]>()).Enqueue(body.ToArray());
            // An empty ExportServiceResponse is a valid "all accepted".
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop.WaitAsync(TimeSpan.FromSeconds(5));
    }
}
