using System.Globalization;
using System.Text;

namespace ImSignalR.FunctionalTests.Operations;

/// <summary>
/// A strict parser for the Prometheus text exposition format 0.0.4, written for the tests: it throws
/// <see cref="FormatException"/> on anything a scraper would reject or misread — a malformed line,
/// bad escaping, HELP/TYPE twice or after the family's samples, a sample outside its family, a
/// duplicate series, a histogram without its <c>+Inf</c> bucket, <c>_sum</c> or <c>_count</c>, or with
/// buckets that are not cumulative.
/// </summary>
public sealed class PrometheusText
{
    private readonly Dictionary<string, string> _types = new(StringComparer.Ordinal);
    private readonly List<Sample> _samples = [];

    private PrometheusText()
    {
    }

    public IReadOnlyList<Sample> Samples => _samples;

    public IReadOnlyDictionary<string, string> Types => _types;

    public static PrometheusText Parse(string text)
    {
        var result = new PrometheusText();
        var helped = new HashSet<string>(StringComparer.Ordinal);
        var familiesWithSamples = new HashSet<string>(StringComparer.Ordinal);
        var finished = new HashSet<string>(StringComparer.Ordinal);
        var series = new HashSet<string>(StringComparer.Ordinal);
        string? current = null;
        var lineNumber = 0;
        foreach (var line in text.Split('\n'))
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }
            try
            {
                if (line.StartsWith('#'))
                {
                    var parts = line.Split(' ', 4);
                    if (parts.Length >= 3 && parts[1] is "HELP" or "TYPE")
                    {
                        var family = parts[2];
                        RequireName(family);
                        if (family != current)
                        {
                            if (finished.Contains(family) || familiesWithSamples.Contains(family))
                            {
                                throw new FormatException($"family {family} appears twice");
                            }
                            if (current is not null)
                            {
                                finished.Add(current);
                            }
                            current = family;
                        }
                        if (parts[1] == "HELP")
                        {
                            if (!helped.Add(family))
                            {
                                throw new FormatException($"HELP twice for {family}");
                            }
                            CheckHelpEscapes(parts.Length > 3 ? parts[3] : "");
                        }
                        else
                        {
                            if (result._types.ContainsKey(family))
                            {
                                throw new FormatException($"TYPE twice for {family}");
                            }
                            if (familiesWithSamples.Contains(family))
                            {
                                throw new FormatException($"TYPE after samples for {family}");
                            }
                            var type = parts.Length > 3 ? parts[3] : "";
                            if (type is not ("counter" or "gauge" or "histogram" or "summary" or "untyped"))
                            {
                                throw new FormatException($"unknown type '{type}'");
                            }
                            result._types[family] = type;
                        }
                    }
                    continue;
                }
                var sample = ParseSample(line);
                var owner = FamilyOf(sample.Name, result._types) ?? sample.Name;
                if (owner != current)
                {
                    if (finished.Contains(owner))
                    {
                        throw new FormatException($"sample {sample.Name} outside its family block");
                    }
                    if (current is not null)
                    {
                        finished.Add(current);
                    }
                    current = owner;
                }
                familiesWithSamples.Add(owner);
                if (!series.Add(sample.SeriesKey))
                {
                    throw new FormatException($"duplicate series {sample.SeriesKey}");
                }
                result._samples.Add(sample);
            }
            catch (FormatException ex)
            {
                throw new FormatException($"line {lineNumber}: {ex.Message}: {line}", ex);
            }
        }
        result.CheckHistograms();
        return result;
    }

    /// <summary>Sum of the samples named <paramref name="name"/> whose labels include <paramref name="labels"/>; 0 when none.</summary>
    public double Value(string name, params (string Key, string Value)[] labels) =>
        _samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).Sum(s => s.Value);

    private void CheckHistograms()
    {
        foreach (var (family, type) in _types)
        {
            if (type != "histogram")
            {
                continue;
            }
            var groups = _samples.Where(s => s.Name == family + "_bucket")
                .GroupBy(s => string.Join(",", s.Labels.Where(l => l.Key != "le").OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value)));
            foreach (var group in groups)
            {
                var buckets = group.Select(s => (Le: ParseNumber(s.Labels["le"]), s.Value)).OrderBy(b => b.Le).ToList();
                if (!double.IsPositiveInfinity(buckets[^1].Le))
                {
                    throw new FormatException($"{family}{{{group.Key}}} has no +Inf bucket");
                }
                for (var i = 1; i < buckets.Count; i++)
                {
                    if (buckets[i].Value < buckets[i - 1].Value)
                    {
                        throw new FormatException($"{family}{{{group.Key}}} buckets are not cumulative");
                    }
                }
                var labels = group.First().Labels.Where(l => l.Key != "le").ToDictionary();
                var count = _samples.SingleOrDefault(s => s.Name == family + "_count" && SameLabels(s.Labels, labels))
                    ?? throw new FormatException($"{family}{{{group.Key}}} has no _count");
                _ = _samples.SingleOrDefault(s => s.Name == family + "_sum" && SameLabels(s.Labels, labels))
                    ?? throw new FormatException($"{family}{{{group.Key}}} has no _sum");
                if (count.Value != buckets[^1].Value)
                {
                    throw new FormatException($"{family}{{{group.Key}}} _count differs from the +Inf bucket");
                }
            }
        }
    }

    private static bool SameLabels(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);

    private static string? FamilyOf(string sampleName, Dictionary<string, string> types)
    {
        if (types.ContainsKey(sampleName))
        {
            return sampleName;
        }
        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (sampleName.EndsWith(suffix, StringComparison.Ordinal))
            {
                var family = sampleName[..^suffix.Length];
                if (types.TryGetValue(family, out var type) && type is "histogram" or "summary")
                {
                    return family;
                }
            }
        }
        return null;
    }

    private static Sample ParseSample(string line)
    {
        var i = 0;
        while (i < line.Length && line[i] != '{' && line[i] != ' ')
        {
            i++;
        }
        var name = line[..i];
        RequireName(name);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (true)
            {
                if (i >= line.Length)
                {
                    throw new FormatException("unterminated label set");
                }
                if (line[i] == '}')
                {
                    i++;
                    break;
                }
                var start = i;
                while (i < line.Length && line[i] != '=')
                {
                    i++;
                }
                var key = line[start..i];
                RequireName(key);
                if (i + 1 >= line.Length || line[i + 1] != '"')
                {
                    throw new FormatException($"label {key} has no quoted value");
                }
                i += 2;
                var value = new StringBuilder();
                while (true)
                {
                    if (i >= line.Length)
                    {
                        throw new FormatException("unterminated label value");
                    }
                    var c = line[i++];
                    if (c == '"')
                    {
                        break;
                    }
                    if (c == '\\')
                    {
                        if (i >= line.Length)
                        {
                            throw new FormatException("dangling escape");
                        }
                        value.Append(line[i++] switch
                        {
                            '\\' => '\\',
                            '"' => '"',
                            'n' => '\n',
                            var other => throw new FormatException($"invalid escape \\{other}"),
                        });
                        continue;
                    }
                    value.Append(c);
                }
                if (!labels.TryAdd(key, value.ToString()))
                {
                    throw new FormatException($"label {key} twice");
                }
                if (i < line.Length && line[i] == ',')
                {
                    i++;
                }
                else if (i < line.Length && line[i] != '}')
                {
                    throw new FormatException("expected , or }");
                }
            }
        }
        if (i >= line.Length || line[i] != ' ')
        {
            throw new FormatException("no value");
        }
        var rest = line[(i + 1)..].Split(' ');
        if (rest.Length > 2)
        {
            throw new FormatException("trailing text");
        }
        if (rest.Length == 2 && !long.TryParse(rest[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
        {
            throw new FormatException("bad timestamp");
        }
        return new Sample(name, labels, ParseNumber(rest[0]));
    }

    private static double ParseNumber(string text) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && !double.IsInfinity(value) => value,
        _ => throw new FormatException($"bad number '{text}'"),
    };

    private static void RequireName(string name)
    {
        if (name.Length == 0 || char.IsAsciiDigit(name[0]) || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '_' or ':')))
        {
            throw new FormatException($"invalid name '{name}'");
        }
    }

    private static void CheckHelpEscapes(string help)
    {
        for (var i = 0; i < help.Length; i++)
        {
            if (help[i] == '\\')
            {
                if (i + 1 >= help.Length || help[i + 1] is not ('\\' or 'n'))
                {
                    throw new FormatException("invalid escape in HELP");
                }
                i++;
            }
        }
    }

    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
    {
        public string SeriesKey => Name + "{" + string.Join(",", Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value)) + "}";
    }
}
