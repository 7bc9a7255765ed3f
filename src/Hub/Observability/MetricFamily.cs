using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace ImSignalR.Hub.Observability;

/// <summary>
/// One Prometheus family: HELP, TYPE and one cell per label set. Label sets are canonical (sorted by
/// key), so the same tags in another order land in the same series.
/// </summary>
internal sealed class MetricFamily
{
    // Milliseconds: from a sub-millisecond in-memory path to multi-second store stalls.
    internal static readonly double[] Buckets = [0.25, 0.5, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

    private static readonly string[] BucketLabels = Buckets.Select(PrometheusNames.Number).ToArray();

    private readonly ConcurrentDictionary<TagKey, Cell> _byTags = new();
    private readonly ConcurrentDictionary<string, Cell> _byLabels = new(StringComparer.Ordinal);
    private readonly string _help;

    public MetricFamily(string name, MetricKind kind, string help)
    {
        Name = name;
        Kind = kind;
        _help = help;
    }

    public string Name { get; }

    public MetricKind Kind { get; }

    public void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        Cell cell;
        if (TagKey.TryCreate(tags, out var key))
        {
            if (!_byTags.TryGetValue(key, out cell!))
            {
                cell = _byTags.GetOrAdd(key, _byLabels.GetOrAdd(LabelText(tags), _ => new Cell()));
            }
        }
        else
        {
            cell = _byLabels.GetOrAdd(LabelText(tags), _ => new Cell());
        }
        lock (cell)
        {
            switch (Kind)
            {
                case MetricKind.Gauge or MetricKind.ObservedCounter:
                    cell.Sum = value;
                    break;
                case MetricKind.Histogram:
                    cell.Sum += value;
                    cell.Count++;
                    cell.Buckets ??= new long[Buckets.Length];
                    for (var i = 0; i < Buckets.Length; i++)
                    {
                        if (value <= Buckets[i])
                        {
                            cell.Buckets[i]++;
                        }
                    }
                    break;
                default:
                    cell.Sum += value;
                    break;
            }
        }
    }

    public void Render(StringBuilder sb)
    {
        sb.Append("# HELP ").Append(Name).Append(' ');
        PrometheusNames.AppendHelp(sb, _help);
        sb.Append('\n');
        sb.Append("# TYPE ").Append(Name).Append(' ').Append(PrometheusNames.TypeText(Kind)).Append('\n');
        foreach (var (labels, cell) in _byLabels.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            lock (cell)
            {
                if (Kind != MetricKind.Histogram)
                {
                    Line(sb, Name, labels, null, cell.Sum);
                    continue;
                }
                for (var i = 0; i < Buckets.Length; i++)
                {
                    Line(sb, Name + "_bucket", labels, BucketLabels[i], cell.Buckets?[i] ?? 0);
                }
                Line(sb, Name + "_bucket", labels, "+Inf", cell.Count);
                Line(sb, Name + "_sum", labels, null, cell.Sum);
                Line(sb, Name + "_count", labels, null, cell.Count);
            }
        }
    }

    private static void Line(StringBuilder sb, string name, string labels, string? le, double value)
    {
        sb.Append(name);
        if (labels.Length > 0 || le is not null)
        {
            sb.Append('{').Append(labels);
            if (le is not null)
            {
                sb.Append(labels.Length > 0 ? "," : "").Append("le=\"").Append(le).Append('"');
            }
            sb.Append('}');
        }
        sb.Append(' ').Append(PrometheusNames.Number(value)).Append('\n');
    }

    /// <summary>Canonical label text: sorted by key, keys sanitised, values escaped. Built once per label set.</summary>
    internal static string LabelText(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty)
        {
            return string.Empty;
        }
        var sorted = tags.ToArray();
        Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var sb = new StringBuilder();
        string? previous = null;
        foreach (var tag in sorted)
        {
            var key = PrometheusNames.Sanitize(tag.Key);
            // "le" belongs to histogram buckets, and a repeated key would be a malformed series.
            if (key == "le" || key == previous)
            {
                continue;
            }
            previous = key;
            if (sb.Length > 0)
            {
                sb.Append(',');
            }
            sb.Append(key).Append("=\"");
            PrometheusNames.AppendLabelValue(sb, Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? "");
            sb.Append('"');
        }
        return sb.ToString();
    }

    private sealed class Cell
    {
        public double Sum;
        public long Count;
        public long[]? Buckets;
    }
}
