using System.Security.Cryptography;
using System.Text;

namespace ImSignalR.Infrastructure.Redis;

/// <summary>A Lua script and its SHA1, run with EVALSHA (loaded again when the server's cache lost it).</summary>
internal sealed class RedisScript
{
    public RedisScript(string source)
    {
        Source = source;
        Sha1 = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(source)));
    }

    public string Source { get; }

    public string Sha1 { get; }
}
