using System.ComponentModel.DataAnnotations;

namespace ImSignalR.RocketMq;

/// <summary>Settings under <c>Im:RocketMq:Service</c>: the service integration of SPEC §13 (seed 002).</summary>
public sealed class RocketMqServiceOptions
{
    /// <summary>Consume service requests and answer them (needs the <c>hub</c> role and RocketMQ).</summary>
    public bool Enabled { get; set; }

    [Required, RegularExpression("^[%|a-zA-Z0-9_-]{1,127}$")]
    public string RequestTopic { get; set; } = "TG001-chat-service-requests";

    [Required, RegularExpression("^[%|a-zA-Z0-9_-]{1,127}$")]
    public string ResponseTopic { get; set; } = "TG001-chat-service-responses";

    [Required, RegularExpression("^[%|a-zA-Z0-9_-]{1,127}$")]
    public string EventTopic { get; set; } = "TG001-chat-service-events";

    /// <summary>The consumer group of the request topic.</summary>
    [Required, StringLength(120)]
    public string Group { get; set; } = "chat_server_group";

    /// <summary>A request born longer ago than this is answered <c>expired</c> and not executed.</summary>
    public TimeSpan RequestTtl { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Put message content into <c>message_sent</c> events.</summary>
    public bool EventsIncludeContent { get; set; }

    /// <summary>
    /// <c>user_join</c>/<c>user_leave</c> events waiting for the broker, per node. Full (the broker has been away long
    /// enough to fill it): a new event is dropped and counted (<c>im.service.events.dropped</c>); a connect never waits.
    /// </summary>
    [Range(1, 1_000_000)]
    public int PresenceEventQueue { get; set; } = 10_000;
}
