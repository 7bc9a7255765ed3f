using System.Globalization;
using System.Security;
using System.Text;

namespace ImSignalR.Bench;

/// <summary>
/// A line chart as a standalone SVG (no script, no external font): x on a log scale (the growth curves double and
/// decuple their sizes), y linear from 0, one polyline with labelled points per series. Deterministic output, so a
/// regenerated chart only differs in git when the figures do.
/// </summary>
internal sealed class SvgChart
{
    private const int Width = 640;
    private const int Height = 360;
    private const int Left = 70;
    private const int Right = 20;
    private const int Top = 40;
    private const int Bottom = 50;
    private static readonly string[] Colours = ["#2563eb", "#dc2626", "#16a34a", "#d97706"];

    private readonly List<(string Name, IReadOnlyList<(double X, double Y)> Points)> _series = [];

    public required string Title { get; init; }
    public required string XLabel { get; init; }
    public required string YLabel { get; init; }
    public string? Footnote { get; init; }

    public SvgChart Add(string name, IEnumerable<(double X, double Y)> points)
    {
        var list = points.Where(p => p.X > 0 && double.IsFinite(p.Y)).OrderBy(p => p.X).ToList();
        if (list.Count > 0)
        {
            _series.Add((name, list));
        }
        return this;
    }

    public bool IsEmpty => _series.Count == 0;

    public string Render()
    {
        var points = _series.SelectMany(s => s.Points).ToList();
        var (xMin, xMax) = (Math.Log10(points.Min(p => p.X)), Math.Log10(points.Max(p => p.X)));
        if (xMax - xMin < 1e-9)
        {
            (xMin, xMax) = (xMin - 0.5, xMax + 0.5);
        }
        var yMax = NiceCeiling(points.Max(p => p.Y));
        double Px(double x) => Left + (Math.Log10(x) - xMin) / (xMax - xMin) * (Width - Left - Right);
        double Py(double y) => Height - Bottom - y / yMax * (Height - Top - Bottom);

        var svg = new StringBuilder();
        svg.Append(Inv($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"12\">\n"));
        svg.Append(Inv($"<rect width=\"{Width}\" height=\"{Height}\" fill=\"#fff\"/>\n"));
        svg.Append(Inv($"<text x=\"{Width / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">{Esc(Title)}</text>\n"));
        for (var i = 0; i <= 4; i++)
        {
            var y = yMax * i / 4;
            svg.Append(Inv($"<line x1=\"{Left}\" y1=\"{Py(y):0.#}\" x2=\"{Width - Right}\" y2=\"{Py(y):0.#}\" stroke=\"#e5e7eb\"/>"));
            svg.Append(Inv($"<text x=\"{Left - 6}\" y=\"{Py(y) + 4:0.#}\" text-anchor=\"end\">{Short(y)}</text>\n"));
        }
        foreach (var x in points.Select(p => p.X).Distinct().Order())
        {
            svg.Append(Inv($"<line x1=\"{Px(x):0.#}\" y1=\"{Height - Bottom}\" x2=\"{Px(x):0.#}\" y2=\"{Height - Bottom + 5}\" stroke=\"#6b7280\"/>"));
            svg.Append(Inv($"<text x=\"{Px(x):0.#}\" y=\"{Height - Bottom + 18}\" text-anchor=\"middle\">{Short(x)}</text>\n"));
        }
        svg.Append(Inv($"<line x1=\"{Left}\" y1=\"{Height - Bottom}\" x2=\"{Width - Right}\" y2=\"{Height - Bottom}\" stroke=\"#6b7280\"/>\n"));
        svg.Append(Inv($"<text x=\"{(Left + Width - Right) / 2}\" y=\"{Height - 12}\" text-anchor=\"middle\">{Esc(XLabel)} (log scale)</text>\n"));
        svg.Append(Inv($"<text transform=\"translate(16 {(Top + Height - Bottom) / 2}) rotate(-90)\" text-anchor=\"middle\">{Esc(YLabel)}</text>\n"));
        for (var s = 0; s < _series.Count; s++)
        {
            var (name, series) = _series[s];
            var colour = Colours[s % Colours.Length];
            var path = string.Join(' ', series.Select(p => Inv($"{Px(p.X):0.#},{Py(p.Y):0.#}")));
            svg.Append(Inv($"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{path}\"/>\n"));
            foreach (var (x, y) in series)
            {
                svg.Append(Inv($"<circle cx=\"{Px(x):0.#}\" cy=\"{Py(y):0.#}\" r=\"3.5\" fill=\"{colour}\"/>"));
                svg.Append(Inv($"<text x=\"{Px(x):0.#}\" y=\"{Py(y) - 8:0.#}\" text-anchor=\"middle\" fill=\"{colour}\" font-size=\"11\">{Short(y)}</text>\n"));
            }
            svg.Append(Inv($"<rect x=\"{Left + 10}\" y=\"{Top + 4 + 16 * s}\" width=\"12\" height=\"3\" fill=\"{colour}\"/>"));
            svg.Append(Inv($"<text x=\"{Left + 28}\" y=\"{Top + 10 + 16 * s}\">{Esc(name)}</text>\n"));
        }
        if (Footnote is not null)
        {
            svg.Append(Inv($"<text x=\"{Width - Right}\" y=\"{Height - 12}\" text-anchor=\"end\" font-size=\"10\" fill=\"#6b7280\">{Esc(Footnote)}</text>\n"));
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    /// <summary>1, 2 or 5 × a power of ten, at least <paramref name="value"/>.</summary>
    private static double NiceCeiling(double value)
    {
        if (value <= 0)
        {
            return 1;
        }
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (var step in new[] { 1.0, 2, 2.5, 5, 10 })
        {
            if (step * magnitude >= value)
            {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static string Short(double v) => v switch
    {
        >= 1_000_000 => Inv($"{v / 1_000_000:0.#}M"),
        >= 10_000 => Inv($"{v / 1000:0.#}k"),
        >= 100 => Inv($"{v:0}"),
        >= 10 => Inv($"{v:0}"),
        _ => Inv($"{v:0.#}"),
    };

    private static string Esc(string s) => SecurityElement.Escape(s) ?? "";

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
