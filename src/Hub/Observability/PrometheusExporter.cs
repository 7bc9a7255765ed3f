using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using ImSignalR.Domain.Services;

namespace ImSignalR.Hub.Observability;

/// <summary>
/// Collects the <c>ImSignalR</c> meter with a <see cref="MeterListener"/> and renders the Prometheus
/// text exposition format (version 0.0.4). Written here because prometheus-net and the OpenTelemetry
/// exporters do not restore; <c>AddImPrometheus</c> is the seam an official exporter would replace.
/// </summary>
internal sealed class PrometheusExporter : IDisposable
{
    // Milliseconds: from a sub-millisecond in-memory path to multi-second store stalls.
    private static readonly double[] Buckets = [0.25, 0.5, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, Series> _series = new();

    public PrometheusExporter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == MessagingMetrics.MeterName)
            {
                _series.TryAdd(instrument, new Series(instrument));
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    public string Render()
    {
        _listener.RecordObservableInstruments();
        var sb = new StringBuilder(4096);
        foreach (var series in _series.Values.OrderBy(s => s.Instrument.Name, StringComparer.Ordinal))
        {
            series.Render(sb);
        }
        return sb.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (_series.TryGetValue(instrument, out var series))
        {
            series.Record(value, LabelText(tags));
        }
    }

    private static string LabelText(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty)
        {
            return string.Empty;
        }
        var sb = new StringBuilder();
        foreach (var tag in tags)
        {
            if (sb.Length > 0)
            {
                sb.Append(',');
            }
            sb.Append(MetricName(tag.Key)).Append("=\"");
            foreach (var c in Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? "")
            {
                _ = c switch
                {
                    '\\' => sb.Append("\\\\"),
                    '"' => sb.Append("\\\""),
                    '\n' => sb.Append("\\n"),
                    _ => sb.Append(c),
                };
            }
            sb.Append('"');
        }
        return sb.ToString();
    }

    internal static string MetricName(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        }
        return sb.ToString();
    }

    private sealed class Series(Instrument instrument)
    {
        private readonly ConcurrentDictionary<string, Cell> _cells = new(StringComparer.Ordinal);

        public Instrument Instrument { get; } = instrument;

        private bool IsHistogram => Instrument.GetType().Name.StartsWith("Histogram", StringComparison.Ordinal);

        private bool IsGauge => Instrument.GetType().Name.Contains("Gauge", StringComparison.Ordinal);

        public void Record(double value, string labels)
        {
            var cell = _cells.GetOrAdd(labels, _ => new Cell());
            lock (cell)
            {
                if (IsGauge)
                {
                    cell.Sum = value;
                    return;
                }
                cell.Sum += value;
                cell.Count++;
                if (IsHistogram)
                {
                    cell.Buckets ??= new long[Buckets.Length];
                    for (var i = 0; i < Buckets.Length; i++)
                    {
                        if (value <= Buckets[i])
                        {
                            cell.Buckets[i]++;
                        }
                    }
                }
            }
        }

        public void Render(StringBuilder sb)
        {
            var baseName = MetricName(Instrument.Name) + (Instrument.Unit is { Length: > 0 } unit ? "_" + MetricName(unit) : "");
            var type = IsHistogram ? "histogram" : IsGauge ? "gauge" : "counter";
            var name = type == "counter" ? baseName + "_total" : baseName;
            sb.Append("# HELP ").Append(name).Append(' ').Append(Instrument.Description ?? Instrument.Name).Append('\n');
            sb.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
            foreach (var (labels, cell) in _cells.OrderBy(c => c.Key, StringComparer.Ordinal))
            {
                lock (cell)
                {
                    if (type != "histogram")
                    {
                        Line(sb, name, labels, cell.Sum);
                        continue;
                    }
                    for (var i = 0; i < Buckets.Length; i++)
                    {
                        Line(sb, baseName + "_bucket", Join(labels, $"le=\"{Buckets[i].ToString(CultureInfo.InvariantCulture)}\""), cell.Buckets?[i] ?? 0);
                    }
                    Line(sb, baseName + "_bucket", Join(labels, "le=\"+Inf\""), cell.Count);
                    Line(sb, baseName + "_sum", labels, cell.Sum);
                    Line(sb, baseName + "_count", labels, cell.Count);
                }
            }
        }

        private static string Join(string labels, string extra) => labels.Length == 0 ? extra : labels + "," + extra;

        private static void Line(StringBuilder sb, string name, string labels, double value)
        {
            sb.Append(name);
            if (labels.Length > 0)
            {
                sb.Append('{').Append(labels).Append('}');
            }
            sb.Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }
    }

    private sealed class Cell
    {
        public double Sum;
        public long Count;
        public long[]? Buckets;
    }
}
