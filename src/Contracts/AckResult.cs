using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary><c>Ack</c> result: how many of the given ids are messages to the caller (acked now or before).</summary>
[DataContract]
public sealed class AckResult
{
    [DataMember(Name = "acked")]
    public required int Acked { get; init; }
}
