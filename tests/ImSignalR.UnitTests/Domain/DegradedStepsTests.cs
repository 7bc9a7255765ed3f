using System.Diagnostics.Metrics;
using ImSignalR.Domain.Services;
using Microsoft.Extensions.Logging;

namespace ImSignalR.UnitTests.Domain;

public sealed class DegradedStepsTests
{
    [Fact]
    public void AnOutageWritesOneWarningPerStepAndPeriodAndCountsEveryFailure()
    {
        var time = new ManualTime(DateTimeOffset.UnixEpoch);
        var logger = new LevelRecorder();
        var steps = new DegradedSteps(new MessagingMetrics(new Meter("t" + Guid.NewGuid())), time, logger);
        var failure = new InvalidOperationException("away");

        for (var i = 0; i < 100; i++)
        {
            steps.Note("push", failure);
        }
        steps.Note("retry", failure);
        time.Advance(DegradedSteps.WarningPeriod);
        steps.Note("push", failure);

        Assert.Equal(3, logger.Entries.Count(e => e.Level == LogLevel.Warning));
        Assert.Equal(99, logger.Entries.Count(e => e.Level == LogLevel.Debug));
        Assert.Contains("99 more failures", logger.Entries.Last(e => e.Level == LogLevel.Warning).Text, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => steps.Note("made-up", failure)); // labels stay a fixed set
    }

    private sealed class LevelRecorder : ILogger
    {
        public List<(LogLevel Level, string Text)> Entries { get; } = [];
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, formatter(state, exception)));
    }
}
