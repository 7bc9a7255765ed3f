using ImSignalR.Domain.Ports;
using ImSignalR.RocketMq;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ImSignalR.UnitTests.RocketMq;

/// <summary><c>Im:RocketMq:GroupTopic</c> and its companions: bound, defaulted and validated like the other RocketMQ options.</summary>
public class RocketMqGroupOptionsTests
{
    private static RocketMqOptions Bind(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Im:RocketMq:NameServer"] = "127.0.0.1:9876" }
                .Concat(settings.Select(s => new KeyValuePair<string, string?>("Im:RocketMq:" + s.Key, s.Value))))
            .Build();
        var provider = new ServiceCollection().AddLogging().AddImRocketMqMessageLog(configuration).BuildServiceProvider();
        return provider.GetRequiredService<IOptions<RocketMqOptions>>().Value;
    }

    [Fact]
    public void TheDefaultsAreTheDocumentedOnes()
    {
        var options = Bind();

        Assert.Equal("IM_GROUP_MSG_TOPIC", options.GroupTopic);
        Assert.Equal("im-signalr-persist-group", options.GroupConsumerGroup);
        Assert.Equal(TimeSpan.FromSeconds(5), options.GroupApplyTimeout);
    }

    [Fact]
    public void TheGroupSettingsBind()
    {
        var options = Bind(("GroupTopic", "MY_GROUPS"), ("GroupConsumerGroup", "my-group-persist"), ("GroupApplyTimeout", "00:00:09"));

        Assert.Equal(("MY_GROUPS", "my-group-persist", TimeSpan.FromSeconds(9)), (options.GroupTopic, options.GroupConsumerGroup, options.GroupApplyTimeout));
    }

    [Theory]
    [InlineData("GroupTopic", "XZLL_C2CMSG_TOPIC", "GroupTopic")] // the C2C topic: Java im-business would see group events
    [InlineData("GroupTopic", "bad topic!", "GroupTopic")]
    [InlineData("GroupTopic", "", "GroupTopic")]
    [InlineData("GroupConsumerGroup", "im-signalr-persist", "GroupConsumerGroup")]
    [InlineData("GroupApplyTimeout", "00:00:00", "GroupApplyTimeout")]
    public void ABadGroupSettingIsRefusedByName(string key, string value, string named)
    {
        var refused = Assert.Throws<OptionsValidationException>(() => Bind((key, value)));

        Assert.Contains(named, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RocketMqModeRegistersTheGroupTopicLogAheadOfTheDirectDefault()
    {
        var services = new ServiceCollection();
        services.AddImRocketMqMessageLog(o => o.NameServer = "127.0.0.1:9876");

        var descriptor = Assert.Single(services, d => d.ServiceType == typeof(IGroupLog));
        Assert.NotNull(descriptor.ImplementationFactory);
    }
}
