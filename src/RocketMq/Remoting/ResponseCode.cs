namespace ImSignalR.RocketMq.Remoting;

/// <summary>Response codes used here (<c>RP/ResponseCode.java</c>, protocol doc §2.2).</summary>
// Public (issue 15) only so the bench's RocketMQ double broker needs no InternalsVisibleTo; not a supported API.
public static class ResponseCode
{
    public const int Success = 0;
    public const int SystemError = 1;
    public const int SystemBusy = 2;
    public const int RequestCodeNotSupported = 3;
    public const int FlushDiskTimeout = 10;
    public const int SlaveNotAvailable = 11;
    public const int FlushSlaveTimeout = 12;
    public const int MessageIllegal = 13;
    public const int ServiceNotAvailable = 14;
    public const int NoPermission = 16;
    public const int TopicNotExist = 17;
    public const int PullNotFound = 19;
    public const int PullRetryImmediately = 20;
    public const int PullOffsetMoved = 21;
    public const int QueryNotFound = 22;
    public const int SubscriptionNotExist = 24;
    public const int InvalidParameter = 29;
}
