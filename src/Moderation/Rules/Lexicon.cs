using System.Collections.Frozen;
using System.Text;

namespace Kusd.Moderation.Rules;

/// <summary>
/// A word token of normalised text. <see cref="Key"/> is the token with leetspeak folded (p0rn -> porn);
/// <see cref="Collapsed"/> has every run of a repeated letter cut to one (pooorn -> porn).
/// Start/End index the normalised text; Sentence and Paragraph count boundaries seen before the token.
/// </summary>
internal readonly record struct LexiconToken(
    int Start, int End, string Key, string Collapsed, bool Disguised, int Sentence, int Paragraph, string? Unmasked)
{
    public bool HasRuns => Collapsed.Length != Key.Length;
}

/// <summary>One line of a word list: a phrase of one to a few words, a tag the rule interprets, options.</summary>
internal sealed class LexiconEntry
{
    public LexiconEntry(string[] words, string tag, IReadOnlySet<string> options)
    {
        Words = words;
        Tag = tag;
        Options = options;
        Collapsed = [.. words.Select(Lexicon.Collapse)];
        IsStem = words.Length == 1 && words[0].EndsWith('*');
        if (IsStem)
        {
            Words = [words[0].TrimEnd('*')];
            Collapsed = [Lexicon.Collapse(Words[0])];
        }
    }

    public string[] Words { get; }

    public string[] Collapsed { get; }

    public string Tag { get; }

    public IReadOnlySet<string> Options { get; }

    /// <summary>A prefix (<c>porn*</c>): only for stems that start no innocent word.</summary>
    public bool IsStem { get; }

    public bool IsAllow => Tag == "allow";

    public bool Has(string option) => Options.Contains(option);

    public override string ToString() => string.Join(' ', Words);
}

/// <summary>A lexicon hit: tokens [First, Last] of the token list.</summary>
internal readonly record struct LexiconMatch(LexiconEntry Entry, int First, int Last, bool Disguised);

/// <summary>
/// A curated word list matched on whole tokens in one pass: tokens and the phrases that start with
/// them are looked up in frozen dictionaries, so "class" never matches "ass" (no Scunthorpe problem).
/// Robust to leetspeak, spaced-out letters (p.o.r.n), repeated letters (pooorn) and masking (f*ck);
/// such disguises are reported so that rules can fire on words that are innocent when plainly written.
/// </summary>
internal sealed class Lexicon
{
    private const int MaxMaskedLength = 9;

    private readonly FrozenDictionary<string, LexiconEntry[]> _byFirstWord;
    private readonly FrozenDictionary<string, LexiconEntry> _masked;
    private readonly LexiconEntry[] _stems;

    public Lexicon(IEnumerable<LexiconEntry> entries)
    {
        var all = entries.ToList();
        _stems = [.. all.Where(e => e.IsStem)];
        _byFirstWord = all.Where(e => !e.IsStem)
            .GroupBy(e => e.Collapsed[0], StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.OrderByDescending(e => e.Words.Length).ToArray(), StringComparer.Ordinal);
        var masked = new Dictionary<string, LexiconEntry>(StringComparer.Ordinal);
        foreach (var entry in all.Where(e => e.Words.Length == 1 && !e.IsAllow && !e.IsStem && e.Words[0].Length is >= 3 and <= MaxMaskedLength))
        {
            AddMaskedForms(entry, masked);
        }

        _masked = masked.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public int Count => _byFirstWord.Values.Sum(v => v.Length) + _stems.Length;

    /// <summary>Reads word lists embedded as <c>Kusd.Moderation.Resources.{name}</c>.</summary>
    public static Lexicon FromResources(params string[] names)
    {
        var assembly = typeof(Lexicon).Assembly;
        var entries = new List<LexiconEntry>();
        foreach (var name in names)
        {
            using var stream = assembly.GetManifestResourceStream("Kusd.Moderation.Resources." + name)
                ?? throw new InvalidOperationException($"Embedded word list {name} is missing.");
            using var reader = new StreamReader(stream, Encoding.UTF8);
            entries.AddRange(Parse(reader.ReadToEnd(), name));
        }

        return new Lexicon(entries);
    }

    /// <summary>Lines <c>phrase | tag | option, option</c>; <c>#</c> starts a comment.</summary>
    public static IEnumerable<LexiconEntry> Parse(string text, string source)
    {
        var lineNumber = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            var line = raw.Split('#', 2)[0].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var parts = line.Split('|', StringSplitOptions.TrimEntries);
            var words = parts[0].ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2 || words.Length == 0 || parts[1].Length == 0)
            {
                throw new FormatException($"{source} line {lineNumber}: expected 'phrase | tag [| options]'.");
            }

            var options = parts.Length > 2
                ? parts[2].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToFrozenSet(StringComparer.Ordinal)
                : FrozenSet<string>.Empty;
            yield return new LexiconEntry(words, parts[1], options);
        }
    }

    /// <summary>Finds entries left to right, the longest phrase at each token; a phrase swallows the words it covers.</summary>
    public List<LexiconMatch> Match(IReadOnlyList<LexiconToken> tokens)
    {
        var matches = new List<LexiconMatch>();
        var i = 0;
        while (i < tokens.Count)
        {
            var best = Best(tokens, i);
            if (best is null)
            {
                i++;
                continue;
            }

            var (entry, length, disguised) = best.Value;
            if (!entry.IsAllow)
            {
                matches.Add(new LexiconMatch(entry, i, i + length - 1, disguised));
            }

            i += length;
        }

        return matches;
    }

    private (LexiconEntry Entry, int Length, bool Disguised)? Best(IReadOnlyList<LexiconToken> tokens, int i)
    {
        var token = tokens[i];
        if (_byFirstWord.TryGetValue(token.Collapsed, out var candidates))
        {
            foreach (var entry in candidates)
            {
                if (i + entry.Words.Length > tokens.Count)
                {
                    continue;
                }

                var disguised = false;
                var all = true;
                for (var w = 0; w < entry.Words.Length && all; w++)
                {
                    all = WordMatches(tokens[i + w], entry.Words[w], entry.Collapsed[w], ref disguised);
                }

                if (all)
                {
                    return (entry, entry.Words.Length, disguised);
                }
            }
        }

        if (token.Unmasked is { } unmasked && _masked.TryGetValue(unmasked, out var maskedEntry))
        {
            return (maskedEntry, 1, true);
        }

        foreach (var stem in _stems)
        {
            if (token.Key.StartsWith(stem.Words[0], StringComparison.Ordinal))
            {
                return (stem, 1, token.Disguised);
            }

            if (token.HasRuns && IsStretched(token.Key, stem.Words[0], prefix: true))
            {
                return (stem, 1, true);
            }
        }

        return null;
    }

    private static bool WordMatches(in LexiconToken token, string word, string collapsed, ref bool disguised)
    {
        if (token.Key == word)
        {
            disguised |= token.Disguised;
            return true;
        }

        if (token.HasRuns && token.Collapsed == collapsed && IsStretched(token.Key, word, prefix: false))
        {
            disguised = true;
            return true;
        }

        return false;
    }

    // Letters held for effect (pooorn, sexxx, asssss): every run at least as long as in the word, and a
    // longer one at least three long, so that ordinary doubles (assess, Bonner) are not stretched words.
    private static bool IsStretched(string key, string word, bool prefix)
    {
        int k = 0, w = 0;
        var stretched = false;
        while (k < key.Length && w < word.Length)
        {
            if (key[k] != word[w])
            {
                return false;
            }

            int keyRun = Run(key, k), wordRun = Run(word, w);
            if (keyRun < wordRun || (keyRun > wordRun && keyRun < 3))
            {
                return false;
            }

            stretched |= keyRun > wordRun;
            k += keyRun;
            w += wordRun;
        }

        return stretched && w == word.Length && (prefix || k == key.Length);
    }

    private static int Run(string s, int start)
    {
        var end = start + 1;
        while (end < s.Length && s[end] == s[start])
        {
            end++;
        }

        return end - start;
    }

    private static void AddMaskedForms(LexiconEntry entry, Dictionary<string, LexiconEntry> masked)
    {
        var word = entry.Words[0];
        var inner = word.Length - 1;
        var chars = new char[word.Length];
        // Every way of hiding letters after the first with '*' that leaves a second letter visible.
        for (var mask = 1; mask < 1 << inner; mask++)
        {
            if (System.Numerics.BitOperations.PopCount((uint)mask) > inner - 1)
            {
                continue;
            }

            for (var c = 0; c < word.Length; c++)
            {
                chars[c] = c > 0 && (mask & (1 << (c - 1))) != 0 ? '*' : word[c];
            }

            masked.TryAdd(new string(chars), entry);
        }
    }

    /// <summary>Cuts every run of one repeated character to a single character.</summary>
    public static string Collapse(string word)
    {
        var run = false;
        for (var i = 1; i < word.Length && !run; i++)
        {
            run = word[i] == word[i - 1];
        }

        if (!run)
        {
            return word;
        }

        var builder = new StringBuilder(word.Length);
        foreach (var c in word)
        {
            if (builder.Length == 0 || builder[^1] != c)
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
