using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Hub.Observability;

namespace ImSignalR.UnitTests.Observability;

public sealed class MetricLabelsTests
{
    [Theory]
    [InlineData(HubMethods.SendC2C)]
    [InlineData(HubMethods.Ack)]
    [InlineData(HubMethods.SyncMessages)]
    [InlineData(HubMethods.GetHistory)]
    [InlineData(HubMethods.GetConversations)]
    public void AHubMethodIsItsOwnLabel(string method) => Assert.Equal(method, MetricLabels.HubOperation(method));

    [Theory]
    [InlineData("madeUp42")]
    [InlineData("sendc2c")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData(HubMethods.ReceiveC2C)] // a client method: never invoked on the server
    public void AnyOtherMethodNameIsOther(string? method) => Assert.Equal(MetricLabels.Other, MetricLabels.HubOperation(method));

    [Fact]
    public void EveryProductCodeIsItsOwnLabelAndAnyOtherIsOther()
    {
        Assert.All(Enum.GetValues<ImErrorCode>(), code => Assert.Equal(code.ToWire(), MetricLabels.Code(code.ToWire())));
        Assert.Equal("IM_REQUEST_TOO_LARGE", MetricLabels.Code("IM_REQUEST_TOO_LARGE"));
        Assert.Equal(MetricLabels.Other, MetricLabels.Code("IM_MADE_UP"));
        Assert.Equal(MetricLabels.Other, MetricLabels.Code(null));
    }

    [Theory]
    [InlineData("GET", "GET")]
    [InlineData("POST", "POST")]
    [InlineData("BREW", MetricLabels.Other)]
    [InlineData("get", MetricLabels.Other)] // HTTP methods are case-sensitive tokens
    public void OnlyStandardHttpMethodsAreLabels(string method, string label) => Assert.Equal(label, MetricLabels.HttpMethod(method));
}
