namespace ImSignalR.RocketMq.Remoting;

/// <summary>Request codes used here (<c>RP/RequestCode.java</c>, protocol doc §2.1).</summary>
// Public (issue 15) only so the bench's RocketMQ double broker needs no InternalsVisibleTo; not a supported API.
public static class RequestCode
{
    public const int SendMessage = 10;
    public const int PullMessage = 11;
    public const int QueryConsumerOffset = 14;
    public const int UpdateConsumerOffset = 15;
    public const int UpdateAndCreateTopic = 17;
    public const int SearchOffsetByTimestamp = 29;
    public const int GetMaxOffset = 30;
    public const int GetMinOffset = 31;
    public const int HeartBeat = 34;
    public const int UnregisterClient = 35;
    public const int ConsumerSendMsgBack = 36;
    public const int GetConsumerListByGroup = 38;
    public const int CheckTransactionState = 39;
    public const int NotifyConsumerIdsChanged = 40;
    public const int GetRouteInfoByTopic = 105;
    public const int ResetConsumerClientOffset = 220;
    public const int InvokeBrokerToResetOffset = 222;
    public const int GetConsumerStatusFromClient = 221;
    public const int GetConsumerRunningInfo = 307;
    public const int ConsumeMessageDirectly = 309;
    public const int SendMessageV2 = 310;
    public const int SendBatchMessage = 320;
}
