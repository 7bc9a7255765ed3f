using System.Globalization;

namespace ImSignalR.Bench;

/// <summary>A parsed Prometheus text scrape: one value per series line (name plus labels).</summary>
internal sealed class MetricsText
{
    private readonly Dictionary<string, double> _values = new(StringComparer.Ordinal);

    public static MetricsText Parse(string text)
    {
        var metrics = new MetricsText();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var space = line.LastIndexOf(' ');
            if (space > 0 && double.TryParse(line.AsSpan(space + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                metrics._values[line[..space]] = value;
            }
        }
        return metrics;
    }

    /// <summary>Whether any series named <paramref name="name"/> was scraped.</summary>
    public bool Has(string name) => _values.Keys.Any(key => IsSeriesOf(key, name));

    /// <summary>Sum over every label set of the series named <paramref name="name"/>.</summary>
    public double Sum(string name) => _values.Where(kv => IsSeriesOf(kv.Key, name)).Sum(kv => kv.Value);

    private static bool IsSeriesOf(string key, string name) =>
        key == name || key.StartsWith(name + "{", StringComparison.Ordinal);

    /// <summary>The mean of a histogram between two scrapes, or NaN when nothing was recorded.</summary>
    public static double MeanBetween(MetricsText before, MetricsText after, string histogram)
    {
        var count = after.Sum(histogram + "_count") - before.Sum(histogram + "_count");
        return count <= 0 ? double.NaN : (after.Sum(histogram + "_sum") - before.Sum(histogram + "_sum")) / count;
    }

    public static double CountBetween(MetricsText before, MetricsText after, string series) => after.Sum(series) - before.Sum(series);

    /// <summary>The upper bound of the bucket holding quantile <paramref name="q"/> between two scrapes.</summary>
    public static double QuantileBoundBetween(MetricsText before, MetricsText after, string histogram, double q)
    {
        var buckets = new SortedDictionary<double, double>();
        foreach (var (key, value) in after._values)
        {
            if (!key.StartsWith(histogram + "_bucket{", StringComparison.Ordinal))
            {
                continue;
            }
            var le = key[(key.IndexOf("le=\"", StringComparison.Ordinal) + 4)..];
            le = le[..le.IndexOf('"', StringComparison.Ordinal)];
            var bound = le == "+Inf" ? double.PositiveInfinity : double.Parse(le, CultureInfo.InvariantCulture);
            var delta = value - before._values.GetValueOrDefault(key);
            buckets[bound] = buckets.GetValueOrDefault(bound) + delta;
        }
        if (buckets.Count == 0 || buckets.Last().Value <= 0)
        {
            return double.NaN;
        }
        var target = q * buckets.Last().Value;
        return buckets.First(b => b.Value >= target).Key;
    }
}
