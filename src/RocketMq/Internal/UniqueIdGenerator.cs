using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace ImSignalR.RocketMq.Internal;

/// <summary>
/// UNIQ_KEY in the Java layout (doc §6.1): uppercase hex of ip(4) + int16 pid + int32 random +
/// int32 ms since the start of the month + int16 counter = 32 chars. Any unique uppercase hex is accepted.
/// </summary>
internal static class UniqueIdGenerator
{
    private static readonly byte[] Prefix = BuildPrefix();
    private static int s_counter;

    public static string Next()
    {
        Span<byte> bytes = stackalloc byte[16];
        Prefix.CopyTo(bytes);
        var now = DateTimeOffset.UtcNow;
        var monthStart = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes[10..], (int)(now - monthStart).TotalMilliseconds);
        System.Buffers.Binary.BinaryPrimitives.WriteInt16BigEndian(bytes[14..], (short)Interlocked.Increment(ref s_counter));
        return Convert.ToHexString(bytes);
    }

    public static string LocalIp()
    {
        try
        {
            foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
            {
                if (nic.OperationalStatus != OperationalStatus.Up || nic.NetworkInterfaceType == NetworkInterfaceType.Loopback)
                {
                    continue;
                }
                foreach (var address in nic.GetIPProperties().UnicastAddresses)
                {
                    if (address.Address.AddressFamily == AddressFamily.InterNetwork)
                    {
                        return address.Address.ToString();
                    }
                }
            }
        }
        catch (NetworkInformationException)
        {
        }
        return IPAddress.Loopback.ToString();
    }

    private static byte[] BuildPrefix()
    {
        var prefix = new byte[10];
        IPAddress.Parse(LocalIp()).GetAddressBytes().CopyTo(prefix, 0);
        System.Buffers.Binary.BinaryPrimitives.WriteInt16BigEndian(prefix.AsSpan(4), (short)Environment.ProcessId);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(prefix.AsSpan(6), Random.Shared.Next());
        return prefix;
    }
}
