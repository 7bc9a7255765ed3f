using System.Text;
using BenchmarkDotNet.Attributes;
using ImSignalR.Domain.Moderation;

namespace ImSignalR.Bench.Micro;

/// <summary>
/// Issue 17: what the built-in word list costs a send — one 8 KB text (the largest content) against 10,000 terms, clean
/// (the whole text is scanned) and dirty (masked). Compare with a send's own server CPU from the load bench
/// (<c>c2c</c>: srvCPU% × cores ÷ acc/s), measured on the same machine.
/// </summary>
[MemoryDiagnoser]
public class ModerationBenchmarks
{
    private TermMatcher _matcher = null!;
    private string _clean = null!;
    private string _dirty = null!;

    [Params(100, 10_000)]
    public int Terms { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _matcher = TermMatcher.Build(Enumerable.Range(0, Terms).Select(i => $"term{i:D5}{(char)('a' + random.Next(26))}"));
        var text = new StringBuilder(8 * 1024);
        while (text.Length < 8 * 1024 - 16)
        {
            text.Append("some ordinary words, ＦＵＬＬ width too; ");
        }
        _clean = text.ToString();
        // Term 0 in upper case (its last letter is the first the seeded generator gave).
        _dirty = _clean[..^32] + " TERM00000" + char.ToUpperInvariant((char)('a' + new Random(42).Next(26))) + _clean[^20..];
    }

    [Benchmark(Baseline = true)]
    public bool Clean8KbText() => _matcher.Matches(_clean);

    [Benchmark]
    public string? Mask8KbTextWithAHit() => _matcher.Mask(_dirty) ?? throw new InvalidOperationException("the dirty text must hit");
}
