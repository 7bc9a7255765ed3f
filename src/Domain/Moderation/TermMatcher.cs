namespace ImSignalR.Domain.Moderation;

/// <summary>
/// An Aho–Corasick automaton over folded terms (<see cref="TextFolding"/>): one pass over the content finds every
/// occurrence of every term, whatever the number of terms. Immutable once built, so a reload builds a new one and
/// swaps it in while sends keep matching against the old.
/// </summary>
public sealed class TermMatcher
{
    /// <summary>Longest term kept; longer lines of a words file are refused at load.</summary>
    public const int MaxTermLength = 128;

    private readonly Dictionary<long, int> _next;
    private readonly int[] _fail;
    private readonly int[] _longestEndingHere;

    private TermMatcher(Dictionary<long, int> next, int[] fail, int[] longestEndingHere, int termCount)
    {
        _next = next;
        _fail = fail;
        _longestEndingHere = longestEndingHere;
        TermCount = termCount;
    }

    public static TermMatcher Empty { get; } = Build([]);

    public int TermCount { get; }

    public static TermMatcher Build(IEnumerable<string> terms)
    {
        var next = new Dictionary<long, int>();
        var termLength = new List<int> { 0 };
        var count = 0;
        foreach (var raw in terms)
        {
            var term = raw.Trim();
            if (term.Length == 0)
            {
                continue;
            }
            if (term.Length > MaxTermLength)
            {
                throw new ArgumentException($"A term is longer than {MaxTermLength} characters.", nameof(terms));
            }
            var node = 0;
            foreach (var c in term)
            {
                var key = Key(node, TextFolding.Fold(c));
                if (!next.TryGetValue(key, out var child))
                {
                    child = termLength.Count;
                    termLength.Add(0);
                    next[key] = child;
                }
                node = child;
            }
            if (termLength[node] == 0)
            {
                count++;
            }
            termLength[node] = term.Length;
        }

        // Failure links breadth first; a node's longest match is its own term or the longest along its failure chain.
        var nodes = termLength.Count;
        var fail = new int[nodes];
        var longest = termLength.ToArray();
        var children = new List<(char C, int Child)>[nodes];
        foreach (var (key, child) in next)
        {
            var parent = (int)(key >> 16);
            (children[parent] ??= []).Add(((char)(key & 0xFFFF), child));
        }
        var queue = new Queue<int>();
        foreach (var (_, child) in children[0] ?? [])
        {
            queue.Enqueue(child);
        }
        while (queue.TryDequeue(out var node))
        {
            foreach (var (c, child) in children[node] ?? [])
            {
                var f = fail[node];
                int target;
                while (!next.TryGetValue(Key(f, c), out target) && f != 0)
                {
                    f = fail[f];
                }
                fail[child] = target != child && next.ContainsKey(Key(f, c)) ? target : 0;
                longest[child] = Math.Max(longest[child], longest[fail[child]]);
                queue.Enqueue(child);
            }
        }
        return new TermMatcher(next, fail, longest, count);
    }

    /// <summary>Whether any term occurs in <paramref name="text"/>.</summary>
    public bool Matches(ReadOnlySpan<char> text)
    {
        var node = 0;
        foreach (var c in text)
        {
            node = Step(node, TextFolding.Fold(c));
            if (_longestEndingHere[node] > 0)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary><paramref name="text"/> with every character of every occurrence replaced by <c>*</c>; null when nothing matched.</summary>
    public string? Mask(string text)
    {
        char[]? masked = null;
        var node = 0;
        for (var i = 0; i < text.Length; i++)
        {
            node = Step(node, TextFolding.Fold(text[i]));
            var length = _longestEndingHere[node];
            if (length > 0)
            {
                masked ??= text.ToCharArray();
                masked.AsSpan(i - length + 1, length).Fill('*');
            }
        }
        return masked is null ? null : new string(masked);
    }

    private int Step(int node, char c)
    {
        while (true)
        {
            if (_next.TryGetValue(Key(node, c), out var child))
            {
                return child;
            }
            if (node == 0)
            {
                return 0;
            }
            node = _fail[node];
        }
    }

    private static long Key(int node, char c) => ((long)node << 16) | c;
}
