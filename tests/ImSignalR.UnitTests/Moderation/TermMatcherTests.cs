using ImSignalR.Domain.Moderation;

namespace ImSignalR.UnitTests.Moderation;

public sealed class TermMatcherTests
{
    [Theory]
    [InlineData("this is BAD", true)]
    [InlineData("this is ｂａｄ", true)] // full-width
    [InlineData("ＢＡＤ news", true)]
    [InlineData("badge", true)] // a substring matches: terms are not word-bounded
    [InlineData("b a d", false)]
    [InlineData("", false)]
    [InlineData("敏感词在这里", true)]
    [InlineData("敏感", false)]
    public void MatchingIgnoresCaseAndFullWidth(string text, bool expected)
    {
        var matcher = TermMatcher.Build(["bad", "敏感词"]);
        Assert.Equal(expected, matcher.Matches(text));
    }

    [Fact]
    public void MaskingStarsEveryCharacterOfEveryOccurrenceIncludingOverlapsAndKeepsTheRest()
    {
        var matcher = TermMatcher.Build(["he", "she", "hers", "敏感"]);
        Assert.Equal("u***** ***", matcher.Mask("ushers she"));
        Assert.Equal("Ｘ**Ｙ", matcher.Mask("Ｘ敏感Ｙ"));
        Assert.Equal("*** ok", matcher.Mask("SHE ok"));
        Assert.Null(matcher.Mask("nothing to see, 'h' 'e'"));
    }

    [Fact]
    public void ATermFoundOnlyThroughAFailureLinkIsFound()
    {
        // "abcd" fails after "abc" into "bc", whose extension "bce" is a term.
        var matcher = TermMatcher.Build(["abcd", "bce"]);
        Assert.True(matcher.Matches("xabce"));
        Assert.Equal("xa***", matcher.Mask("xabce"));
    }

    [Fact]
    public void BlankLinesAreIgnoredDuplicatesCountOnceAndOverlongTermsAreRefused()
    {
        var matcher = TermMatcher.Build(["", "  ", "x", "X", " x "]);
        Assert.Equal(1, matcher.TermCount);
        Assert.Throws<ArgumentException>(() => TermMatcher.Build([new string('a', TermMatcher.MaxTermLength + 1)]));
        Assert.False(TermMatcher.Empty.Matches("anything"));
    }

    [Fact]
    public void TenThousandTermsStillFindTheOnlyOneThatOccurs()
    {
        var terms = Enumerable.Range(0, 10_000).Select(i => $"term{i:D5}x").ToList();
        var matcher = TermMatcher.Build(terms);
        var text = string.Concat(Enumerable.Repeat("harmless words, ", 500)) + "TERM09999X";
        Assert.Equal(10_000, matcher.TermCount);
        Assert.True(matcher.Matches(text));
        Assert.False(matcher.Matches(text.AsSpan(0, text.Length - 1)));
        Assert.EndsWith("**********", matcher.Mask(text)!, StringComparison.Ordinal);
    }
}
