using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;
using ImSignalR.Domain.Services;

namespace ImSignalR.Hub.Observability;

/// <summary>
/// Collects the <c>ImSignalR</c> meter with a <see cref="MeterListener"/> and renders the Prometheus
/// text exposition format (version 0.0.4). Written here because prometheus-net and the OpenTelemetry
/// exporters do not restore; this type is the seam an official exporter would replace.
/// </summary>
/// <remarks>
/// Instruments are grouped into families by their exposition name, so two instruments that map to
/// the same name (another <c>ImSignalR</c> meter instance, say) never emit HELP/TYPE twice or a
/// duplicate series. The measurement callback does no string work once a label set has been seen:
/// cells are found by <see cref="TagKey"/>, which compares the tag values themselves.
/// </remarks>
internal sealed class PrometheusExporter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, MetricFamily> _byInstrument = new();
    private readonly ConcurrentDictionary<string, MetricFamily> _families = new(StringComparer.Ordinal);

    public PrometheusExporter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name != MessagingMetrics.MeterName)
            {
                return;
            }
            var kind = PrometheusNames.KindOf(instrument);
            var name = PrometheusNames.FamilyName(instrument, kind);
            var family = _families.GetOrAdd(name, n => new MetricFamily(n, kind, instrument.Description ?? instrument.Name));
            if (family.Kind == kind)
            {
                _byInstrument.TryAdd(instrument, family);
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
        var sb = new StringBuilder(8192);
        foreach (var family in _families.Values.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            family.Render(sb);
        }
        return sb.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (_byInstrument.TryGetValue(instrument, out var family))
        {
            family.Record(instrument, value, tags);
        }
    }
}
