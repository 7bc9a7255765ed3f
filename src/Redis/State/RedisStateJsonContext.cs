using System.Text.Json.Serialization;
using ImSignalR.Domain.Ports;

namespace ImSignalR.Redis.State;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(RetryPayload))]
[JsonSerializable(typeof(DedupeRecord))]
internal sealed partial class RedisStateJsonContext : JsonSerializerContext;
