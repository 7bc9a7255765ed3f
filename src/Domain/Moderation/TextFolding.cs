namespace ImSignalR.Domain.Moderation;

/// <summary>
/// The folding both the terms and the content go through before matching: case (invariant lower case) and the
/// full-width forms of ASCII (U+FF01–U+FF5E, and the ideographic space) folded to their half-width letters, so
/// "ＢＡＤ" and "Bad" match "bad". One UTF-16 unit in, one out, so a match's position is its position in the
/// original text (masking relies on it).
/// </summary>
public static class TextFolding
{
    public static char Fold(char c)
    {
        if (c is >= '\uFF01' and <= '\uFF5E')
        {
            c = (char)(c - 0xFEE0);
        }
        else if (c == '\u3000')
        {
            c = ' ';
        }
        return c < 128 ? (c is >= 'A' and <= 'Z' ? (char)(c + 32) : c) : char.ToLowerInvariant(c);
    }
}
