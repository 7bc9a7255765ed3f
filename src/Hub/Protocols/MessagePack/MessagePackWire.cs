using ImSignalR.Hub.Protocols.MessagePack.Internal;
using MessagePack;
using MessagePack.Resolvers;

namespace ImSignalR.Hub.Protocols.MessagePack;

/// <summary>
/// How payloads (hub arguments, results, pushes) travel in MessagePack. Wire types carry
/// <c>[DataContract]</c> and <c>[DataMember(Name = "camelName")]</c>, so their maps use the JSON names
/// both ways (SPEC §3.4); <c>WireNameTests</c> checks every one.
/// </summary>
public static class MessagePackWire
{
    /// <summary>Same nesting bound as System.Text.Json's default MaxDepth, so JSON and MessagePack agree.
    /// Our request types are two levels deep; anything deeper is refused before it is walked.</summary>
    public const int MaxDepth = 64;

    /// <summary>
    /// The standard resolver, not SignalR's default contractless one: a type without <c>[DataContract]</c>
    /// then fails to serialize instead of silently travelling under its PascalCase C# member names.
    /// Strings come first through <see cref="StrictUtf8StringFormatter"/>, which refuses invalid UTF-8
    /// instead of storing U+FFFD. Untrusted-data security: collision-resistant hashing and the depth bound.
    /// Collections and the map sizes need no cap of their own: the reader checks every declared count
    /// against the bytes left, and SignalR caps a received message at <c>MaximumReceiveMessageSize</c>.
    /// </summary>
    public static MessagePackSerializerOptions SerializerOptions { get; } = MessagePackSerializerOptions.Standard
        .WithResolver(CompositeResolver.Create([StrictUtf8StringFormatter.Instance], [StandardResolver.Instance]))
        .WithSecurity(MessagePackSecurity.UntrustedData.WithMaximumObjectGraphDepth(MaxDepth));
}
