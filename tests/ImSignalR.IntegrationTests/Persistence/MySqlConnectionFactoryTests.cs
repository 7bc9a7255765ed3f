using ImSignalR.Infrastructure.Persistence.MySql;

namespace ImSignalR.IntegrationTests.Persistence;

/// <summary>The gate that keeps MySql.Data's blocking "async" calls from taking every thread.</summary>
public sealed class MySqlConnectionFactoryTests
{
    private static string ConnectionString => Environment.GetEnvironmentVariable(MySqlStoreFixture.EnvironmentVariable)
        ?? throw new InvalidOperationException($"{MySqlStoreFixture.EnvironmentVariable} is not set: run ./scripts/test.sh.");

    [Fact]
    public async Task NoMoreThanTheGateAreOpenAtOnceAndEveryCloseFreesItsSlot()
    {
        var factory = new MySqlConnectionFactory(ConnectionString, maxOpenConnections: 3);
        var highest = 0;
        await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            await using var connection = await factory.OpenAsync(default).WaitAsync(TimeSpan.FromSeconds(30));
            InterlockedMax(ref highest, factory.OpenConnections);
            await Task.Delay(20);
            if (i % 2 == 0)
            {
                await connection.CloseAsync(); // closed, then disposed: one slot back, not two
            }
        }));

        Assert.InRange(highest, 1, 3);
        Assert.Equal(0, factory.OpenConnections);
    }

    [Fact]
    public async Task AFailedOpenGivesItsSlotBack()
    {
        var factory = new MySqlConnectionFactory("Server=127.0.0.1;Port=1;Database=none;Uid=x;Pwd=y;Connection Timeout=2", maxOpenConnections: 1);
        for (var i = 0; i < 3; i++)
        {
            await Assert.ThrowsAnyAsync<Exception>(() => factory.OpenAsync(default).WaitAsync(TimeSpan.FromSeconds(30)));
        }
        Assert.Equal(0, factory.OpenConnections);
    }

    [Fact]
    public void TheDefaultGateIsFourPerCoreWithinThePoolSize()
    {
        Assert.Equal(Math.Min(100, 4 * Environment.ProcessorCount), new MySqlConnectionFactory(ConnectionString).MaxOpenConnections);
        Assert.Equal(2, new MySqlConnectionFactory(ConnectionString + ";Maximum Pool Size=2").MaxOpenConnections);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }
            current = seen;
        }
    }
}
