namespace ImSignalR.Infrastructure.Redis.Protocol;

/// <summary>Bounds the parser enforces so a broken or hostile peer cannot make us allocate without limit.</summary>
/// <param name="MaxBulkLength">Longest bulk/verbatim/bulk-error payload; Redis's own default <c>proto-max-bulk-len</c> is 512 MB.</param>
/// <param name="MaxArrayLength">Most elements in one aggregate (pairs count twice for maps).</param>
/// <param name="MaxDepth">Deepest nesting of aggregates; Redis replies nest a few levels at most.</param>
/// <param name="MaxLineLength">Longest header/simple line before its CRLF (simple strings, errors, numbers).</param>
internal sealed record RespLimits(long MaxBulkLength, int MaxArrayLength, int MaxDepth, int MaxLineLength)
{
    /// <summary>512 MB: the same ceiling the server applies to what it accepts (<c>proto-max-bulk-len</c>).</summary>
    public const long DefaultMaxBulkLength = 512L * 1024 * 1024;

    /// <summary>16 M elements: far above any reply we ask for, low enough to stop a garbage length early.</summary>
    public const int DefaultMaxArrayLength = 16 * 1024 * 1024;

    /// <summary>32 levels: commands we issue return at most 3 levels (scripts return what we wrote).</summary>
    public const int DefaultMaxDepth = 32;

    /// <summary>64 KB: simple strings and errors are short; a longer line means we lost framing.</summary>
    public const int DefaultMaxLineLength = 64 * 1024;

    public static RespLimits Default { get; } = new(DefaultMaxBulkLength, DefaultMaxArrayLength, DefaultMaxDepth, DefaultMaxLineLength);
}
