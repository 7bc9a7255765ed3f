using System.Globalization;
using ImSignalR.Domain.Ports;
using ImSignalR.IntegrationTests.RocketMq.Double;
using ImSignalR.RocketMq;
using ImSignalR.RocketMq.Producer;
using ImSignalR.RocketMq.Remoting;
using ImSignalR.Specification.Logs;

namespace ImSignalR.IntegrationTests.RocketMq;

/// <summary>The RocketMQ log against the broker double: durable = stored by the broker (the record's key is the msgId).</summary>
public sealed class RocketMqMessageLogFixture : IMessageLogFixture
{
    public Task<IMessageLogUnderTest> CreateAsync() => Task.FromResult<IMessageLogUnderTest>(new UnderTest());

    private sealed class UnderTest : IMessageLogUnderTest
    {
        private readonly RocketMqDouble _mq = RocketMqDouble.Start();
        private readonly string _topic = RocketMqTestKit.UniqueName("LOG");
        private readonly RocketMqProducer _producer;

        public UnderTest()
        {
            _mq.CreateTopic(_topic, 4);
            (Log, _producer) = RocketMqTestKit.MessageLog(RocketMqTestKit.Options(_mq.NameServerAddress, _topic, "log-contract"));
        }

        public IMessageLog Log { get; }

        public Task<IReadOnlyList<long>> DurableOrderAsync(IReadOnlyCollection<long> msgIds) =>
            // One chat's events share one queue, so its queue offsets are the order they became durable.
            Task.FromResult<IReadOnlyList<long>>(_mq.Brokers.SelectMany(b => b.Messages(_topic))
                .OrderBy(r => r.QueueOffset)
                .Select(r => long.Parse(r.Properties[MessageProperties.Keys], CultureInfo.InvariantCulture))
                .Where(msgIds.Contains).ToList());

        public void MakeUnavailable()
        {
            foreach (var broker in _mq.Brokers)
            {
                broker.FailSendsWith = ResponseCode.SystemBusy;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _producer.DisposeAsync();
            await _mq.DisposeAsync();
        }
    }
}

public sealed class RocketMqMessageLogContractTests(RocketMqMessageLogFixture f) : MessageLogContract<RocketMqMessageLogFixture>(f);
