using System.Net;
using System.Net.Sockets;

namespace ImSignalR.FunctionalTests.Infrastructure;

/// <summary>A loopback port the OS just handed out, for a server a test starts (hub, Redis, MariaDB).</summary>
public static class FreePorts
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
