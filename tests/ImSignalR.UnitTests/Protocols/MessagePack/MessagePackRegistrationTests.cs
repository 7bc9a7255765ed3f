using ImSignalR.Infrastructure.Protocols.MessagePack;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ImSignalR.UnitTests.Protocols.MessagePack;

public sealed class MessagePackRegistrationTests
{
    [Fact]
    public void AddImMessagePackProtocolRegistersOneMessagePackProtocolNextToJson()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSignalR().AddImMessagePackProtocol().AddImMessagePackProtocol(o => o.MaxDepth = 16);
        using var provider = services.BuildServiceProvider();
        var names = provider.GetServices<IHubProtocol>().Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal).ToArray();
        Assert.Equal(["json", "messagepack"], names);
        Assert.Equal(16, provider.GetRequiredService<IOptions<MessagePackHubProtocolOptions>>().Value.MaxDepth);
    }

    [Fact]
    public void InvalidLimitsFailValidation()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSignalR().AddImMessagePackProtocol(o => o.MaxDepth = 0);
        using var provider = services.BuildServiceProvider();
        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<MessagePackHubProtocolOptions>>().Value);
    }
}
