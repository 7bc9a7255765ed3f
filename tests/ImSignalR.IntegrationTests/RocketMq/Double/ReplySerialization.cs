namespace ImSignalR.IntegrationTests.RocketMq.Double;

/// <summary>How the double serialises reply headers (protocol doc §1.3).</summary>
public enum ReplySerialization
{
    /// <summary>≤ 4.9.3 and 5.x default: always JSON.</summary>
    Json,
    /// <summary>4.9.4–4.9.8: mirror the request's type.</summary>
    MirrorRequest,
    /// <summary>A server started with <c>ROCKETMQ_SERIALIZE_TYPE=ROCKETMQ</c>.</summary>
    Binary,
}
