using System.Text;
using ImSignalR.RocketMq.Consumer.Internal;
using ImSignalR.RocketMq;

namespace ImSignalR.UnitTests.RocketMq;

public class ResetOffsetBodyTests
{
    private static IReadOnlyList<(MessageQueue Queue, long Offset)> Parse(string body) => ResetOffsetBody.Parse(Encoding.UTF8.GetBytes(body));

    [Fact]
    public void ReadsFastjsonObjectKeys()
    {
        // fastjson writes Map<MessageQueue,Long> with the keys as objects, fields in alphabetical order.
        var table = Parse("""{"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"T"}:0,{"brokerName":"broker-a","queueId":3,"topic":"T"}:42}}""");

        Assert.Equal([(new MessageQueue("T", "broker-a", 0), 0L), (new MessageQueue("T", "broker-a", 3), 42L)], table);
    }

    [Fact]
    public void ReadsStringKeysHoldingAQueueAndToleratesSpaceAndFieldOrder()
    {
        var table = Parse("""{ "offsetTable" : { "{\"topic\":\"T\",\"queueId\":1,\"brokerName\":\"b\"}" : 7 , {"topic":"T}{", "brokerName":"b","queueId":2} : 8 } }""");

        Assert.Equal([(new MessageQueue("T", "b", 1), 7L), (new MessageQueue("T}{", "b", 2), 8L)], table);
    }

    [Fact]
    public void AnEmptyTableIsEmpty() => Assert.Empty(Parse("""{"offsetTable":{}}"""));

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("""{"offsetTable":[]}""")]
    [InlineData("""{"offsetTable":{{"brokerName":"b","queueId":0,"topic":"T"}:-1}}""")]
    [InlineData("""{"offsetTable":{{"brokerName":"b","queueId":0,"topic":"T"}:1.5}}""")]
    [InlineData("""{"offsetTable":{{"brokerName":"b","queueId":0,"topic":"T"}:}}""")]
    [InlineData("""{"offsetTable":{{"brokerName":"b","queueId":0}:1}}""")]
    [InlineData("""{"offsetTable":{{"brokerName":"b","queueId":-2,"topic":"T"}:1}}""")]
    [InlineData("""{"offsetTable":{{"brokerName":"b","queueId":0,"topic":"T":1}}""")]
    [InlineData("""{"offsetTable":{{"brokerName":"b","queueId":0,"topic":"T"}:1""")]
    [InlineData("""{"offsetTable":{"not a queue":1}}""")]
    [InlineData("""{"offsetTable":{7:1}}""")]
    public void MalformedBodiesAreFormatErrors(string body) => Assert.Throws<FormatException>(() => Parse(body));

    [Fact]
    public void AnOversizedTableIsRefused()
    {
        var entries = string.Join(',', Enumerable.Range(0, 5000).Select(i => $$"""{"brokerName":"b","queueId":{{i}},"topic":"T"}:1"""));
        Assert.Throws<FormatException>(() => Parse("{\"offsetTable\":{" + entries + "}}"));
    }
}
