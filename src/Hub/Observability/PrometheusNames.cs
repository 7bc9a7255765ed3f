using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace ImSignalR.Hub.Observability;

/// <summary>What a Prometheus family is made of, derived from the instrument type.</summary>
internal enum MetricKind
{
    /// <summary><see cref="Counter{T}"/>: measurements are deltas, summed.</summary>
    Counter,

    /// <summary><see cref="ObservableCounter{T}"/>: measurements are running totals, the last one wins.</summary>
    ObservedCounter,

    /// <summary>Up-down counters (deltas, summed) — exposed as a gauge.</summary>
    UpDown,

    /// <summary>Gauges, observable gauges and observable up-down counters: the last value wins.</summary>
    Gauge,

    Histogram,
}

/// <summary>Names, escaping and number formatting of the text exposition format (0.0.4).</summary>
internal static class PrometheusNames
{
    public static MetricKind KindOf(Instrument instrument)
    {
        var type = instrument.GetType();
        var definition = type.IsGenericType ? type.GetGenericTypeDefinition() : type;
        if (definition == typeof(Counter<>))
        {
            return MetricKind.Counter;
        }
        if (definition == typeof(ObservableCounter<>))
        {
            return MetricKind.ObservedCounter;
        }
        if (definition == typeof(UpDownCounter<>))
        {
            return MetricKind.UpDown;
        }
        if (definition == typeof(Histogram<>))
        {
            return MetricKind.Histogram;
        }
        return MetricKind.Gauge;
    }

    public static string TypeText(MetricKind kind) => kind switch
    {
        MetricKind.Counter or MetricKind.ObservedCounter => "counter",
        MetricKind.Histogram => "histogram",
        _ => "gauge",
    };

    /// <summary><c>im.send.duration</c> + unit <c>ms</c> → <c>im_send_duration_ms</c>; counters end in <c>_total</c>.</summary>
    public static string FamilyName(Instrument instrument, MetricKind kind)
    {
        var name = Sanitize(instrument.Name);
        if (instrument.Unit is { Length: > 0 } unit && unit != "{count}")
        {
            name += "_" + Sanitize(unit);
        }
        return kind is MetricKind.Counter or MetricKind.ObservedCounter ? name + "_total" : name;
    }

    /// <summary>Metric and label names: <c>[a-zA-Z_][a-zA-Z0-9_]*</c> (colons are reserved for recording rules).</summary>
    public static string Sanitize(string name)
    {
        var sb = new StringBuilder(name.Length + 1);
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            sb.Append('_');
        }
        foreach (var c in name)
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        }
        return sb.ToString();
    }

    /// <summary>Label values escape backslash, double quote and line feed.</summary>
    public static void AppendLabelValue(StringBuilder sb, string value)
    {
        foreach (var c in value)
        {
            _ = c switch
            {
                '\\' => sb.Append("\\\\"),
                '"' => sb.Append("\\\""),
                '\n' => sb.Append("\\n"),
                _ => sb.Append(c),
            };
        }
    }

    /// <summary>HELP text escapes backslash and line feed only.</summary>
    public static void AppendHelp(StringBuilder sb, string help)
    {
        foreach (var c in help)
        {
            _ = c switch
            {
                '\\' => sb.Append("\\\\"),
                '\n' => sb.Append("\\n"),
                _ => sb.Append(c),
            };
        }
    }

    public static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };
}
