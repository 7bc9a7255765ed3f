using ImSignalR.Client;
using ImSignalR.Contracts;

namespace ImSignalR.UnitTests.Client;

public sealed class ImServerExceptionTests
{
    public static TheoryData<ImErrorCode> Codes()
    {
        var data = new TheoryData<ImErrorCode>();
        foreach (var code in Enum.GetValues<ImErrorCode>())
        {
            data.Add(code);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Codes))]
    public void TheCodeIsReadFromSignalRsWrappedTextAndResentOnlyWhenTheHubSaysSo(ImErrorCode code)
    {
        var error = new ImServerException($"An unexpected error occurred invoking 'SendC2C' on the server. HubException: {code.ToWire()}: refused.");

        Assert.Equal(code.ToWire(), error.Code);
        Assert.Equal(code.IsRetriable(), error.IsRetriable);
    }

    [Fact]
    public void AnErrorWithoutACodeIsNotResent()
    {
        var error = new ImServerException("An unexpected error occurred invoking 'SendC2C' on the server.");

        Assert.Equal(string.Empty, error.Code);
        Assert.False(error.IsRetriable);
    }
}
