using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary>The <c>Ack</c> result.</summary>
[DataContract]
public sealed record AckResult
{
    /// <summary>How many of the ids are messages to the caller.</summary>
    [DataMember(Name = "acked")]
    public required int Acked { get; init; }
}
