using System.Globalization;
using System.Reflection;

namespace ImSignalR.Storage.Internal;

/// <summary>
/// One embedded <c>Persistence/Migrations/{Dialect}/NNN_name.sql</c>. The version is the numeric
/// prefix; scripts apply in version order and are never edited once released (add a new one instead).
/// </summary>
internal sealed record MigrationScript(int Version, string Name, IReadOnlyList<string> Statements)
{
    private const string ResourcePrefix = "ImSignalR.Storage.Migrations.";

    public static IReadOnlyList<MigrationScript> Load(string folder)
    {
        var assembly = typeof(MigrationScript).Assembly;
        var prefix = ResourcePrefix + folder + ".";
        var scripts = new List<MigrationScript>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(prefix, StringComparison.Ordinal) || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }
            var name = resource[prefix.Length..^".sql".Length];
            var underscore = name.IndexOf('_', StringComparison.Ordinal);
            if (underscore <= 0 || !int.TryParse(name.AsSpan(0, underscore), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                throw new InvalidOperationException($"Migration resource '{resource}' must be named NNN_description.sql.");
            }
            scripts.Add(new MigrationScript(version, name, Split(Read(assembly, resource))));
        }
        scripts.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 1; i < scripts.Count; i++)
        {
            if (scripts[i].Version == scripts[i - 1].Version)
            {
                throw new InvalidOperationException($"Two migrations share version {scripts[i].Version} in '{folder}'.");
            }
        }
        return scripts;
    }

    /// <summary>Drops <c>--</c> comment lines and splits on a <c>;</c> that ends a line.</summary>
    internal static IReadOnlyList<string> Split(string script)
    {
        var statements = new List<string>();
        var current = new System.Text.StringBuilder();
        foreach (var rawLine in script.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r', ' ', '\t');
            var trimmed = line.TrimStart();
            if (trimmed.Length == 0 || trimmed.StartsWith("--", StringComparison.Ordinal))
            {
                continue;
            }
            var comment = line.IndexOf(" -- ", StringComparison.Ordinal);
            if (comment >= 0)
            {
                line = line[..comment].TrimEnd();
            }
            if (line.EndsWith(';'))
            {
                current.Append(line.AsSpan(0, line.Length - 1));
                statements.Add(current.ToString().Trim());
                current.Clear();
            }
            else
            {
                current.Append(line).Append('\n');
            }
        }
        if (current.ToString().Trim() is { Length: > 0 } rest)
        {
            statements.Add(rest);
        }
        return statements;
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Migration resource '{resource}' is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
