namespace ImSignalR.ConsoleChat;

/// <summary>Command line: <c>--user alice --to bob [--url http://localhost:5000] [--protocol json|messagepack]</c>.</summary>
internal sealed record ChatArguments(string User, string? To, Uri Url, string Protocol)
{
    public static ChatArguments? Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                return null;
            }
            values[args[i][2..]] = args[i + 1];
        }
        if (!values.TryGetValue("user", out var user))
        {
            return null;
        }
        return new ChatArguments(
            user,
            values.GetValueOrDefault("to"),
            new Uri(values.GetValueOrDefault("url") ?? "http://localhost:5000"),
            values.GetValueOrDefault("protocol") ?? "json");
    }
}
