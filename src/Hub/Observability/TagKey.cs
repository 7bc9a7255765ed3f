namespace ImSignalR.Hub.Observability;

/// <summary>
/// The tags of one measurement as a dictionary key, without building a string: up to three tags,
/// compared by key and value (<see cref="object.Equals(object?)"/>, so equal strings match). The
/// product's instruments carry at most two tags; more fall back to the label text.
/// </summary>
internal readonly record struct TagKey(
    string? Key1, object? Value1,
    string? Key2, object? Value2,
    string? Key3, object? Value3)
{
    public const int MaxTags = 3;

    public static bool TryCreate(ReadOnlySpan<KeyValuePair<string, object?>> tags, out TagKey key)
    {
        switch (tags.Length)
        {
            case 0:
                key = default;
                return true;
            case 1:
                key = new TagKey(tags[0].Key, tags[0].Value, null, null, null, null);
                return true;
            case 2:
                key = new TagKey(tags[0].Key, tags[0].Value, tags[1].Key, tags[1].Value, null, null);
                return true;
            case MaxTags:
                key = new TagKey(tags[0].Key, tags[0].Value, tags[1].Key, tags[1].Value, tags[2].Key, tags[2].Value);
                return true;
            default:
                key = default;
                return false;
        }
    }
}
