using ImSignalR.Domain.Direct;
using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;
using ImSignalR.Specification.ClusterState;
using ImSignalR.Specification.Logs;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImSignalR.UnitTests.Domain;

/// <summary>The direct log over the fake store: durable = applied by the store.</summary>
public sealed class DirectMessageLogFixture : IMessageLogFixture
{
    public Task<IMessageLogUnderTest> CreateAsync() => Task.FromResult<IMessageLogUnderTest>(new UnderTest());

    private sealed class UnderTest : IMessageLogUnderTest
    {
        private readonly FakeStore _store = new();
        private readonly DirectMessageLog _log;

        public UnderTest()
        {
            _log = new DirectMessageLog(_store, TestSequences.Resolver(TestSequences.InProcess(_store), _store), new DirectLogOptions(),
                NullLogger<DirectMessageLog>.Instance);
        }

        public IMessageLog Log => _log;

        public Task<IReadOnlyList<long>> DurableOrderAsync(IReadOnlyCollection<long> msgIds)
        {
            lock (_store.Applied)
            {
                return Task.FromResult<IReadOnlyList<long>>(_store.Applied.OfType<MessageSent>()
                    .Select(s => s.Message.MsgId).Where(msgIds.Contains).ToList());
            }
        }

        public void MakeUnavailable() => _store.Down = true;

        public ValueTask DisposeAsync() => _log.DisposeAsync();
    }
}

public sealed class DirectMessageLogContractTests(DirectMessageLogFixture f) : MessageLogContract<DirectMessageLogFixture>(f);
