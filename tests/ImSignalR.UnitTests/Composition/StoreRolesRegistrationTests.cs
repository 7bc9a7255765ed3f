using ImSignalR.Domain.Ports;
using ImSignalR.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ImSignalR.UnitTests.Composition;

public sealed class StoreRolesRegistrationTests
{
    [Fact]
    public async Task EachRoleOfTheStoreIsTheRegisteredStore()
    {
        var dataSource = Path.Combine(Path.GetTempPath(), $"im-roles-{Guid.NewGuid():N}.db");
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Im:Store:ConnectionString"] = $"Data Source={dataSource}" })
            .Build();
        await using var provider = new ServiceCollection().AddLogging().AddImStorage(configuration).BuildServiceProvider();

        var store = provider.GetRequiredService<IMessageStore>();
        Assert.Same(store, provider.GetRequiredService<IMessageEventStore>());
        Assert.Same(store, provider.GetRequiredService<IMessageQueries>());
        Assert.Same(store, provider.GetRequiredService<ISequenceReads>());
    }
}
