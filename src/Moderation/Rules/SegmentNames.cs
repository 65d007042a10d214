using Kusd.Moderation.Roster;
using Kusd.Moderation.Text;

namespace Kusd.Moderation.Rules;

/// <summary>The words of one readable segment and the roster names among them (see <see cref="NameMatches"/>).</summary>
internal sealed class SegmentNames
{
    private SegmentNames(TextSegment segment, List<NameToken> tokens, List<NameMatch> matches)
    {
        Segment = segment;
        Tokens = tokens;
        Matches = matches;
    }

    public TextSegment Segment { get; }

    public List<NameToken> Tokens { get; }

    public List<NameMatch> Matches { get; }

    /// <summary>Tokenises a segment and matches its words against the roster.</summary>
    public static SegmentNames Read(TextSegment segment, RosterSnapshot roster)
    {
        var tokens = NameTokenizer.Tokenize(segment.Normalized);
        var matches = roster.Names.Match(tokens);
        matches.RemoveAll(m => IsLowerCasePhrase(tokens, m));
        return new SegmentNames(segment, tokens, matches);
    }

    // Names match in any case ("emma kowalski" in a caption), but "olive green paint" is prose even when a
    // student is called Olive Green: a lower-case match whose given name is an everyday word does not count.
    private static bool IsLowerCasePhrase(List<NameToken> tokens, NameMatch match)
    {
        for (var t = match.First; t <= match.Last; t++)
        {
            if (tokens[t].TitleCase)
            {
                return false;
            }
        }

        return NameWords.EverydayWordNames.Contains(tokens[match.First].Key)
               || NameWords.EverydayWordNames.Contains(tokens[match.Last].PossessiveKey ?? tokens[match.Last].Key);
    }

    /// <summary>The field span of tokens [first, last], ending where the name part of the last token ends.</summary>
    public TextSpan Span(int first, int last, bool includeSuffix, bool includePeriod = false)
    {
        var end = includeSuffix ? Tokens[last].End : Tokens[last].BaseEnd;
        if (includePeriod && end < Segment.Normalized.Value.Length && Segment.Normalized.Value[end] == '.')
        {
            end++;
        }

        return Segment.Normalized.ToFieldSpan(Tokens[first].Start, end);
    }

    /// <summary>The decoded text of a token as the author wrote it (case and diacritics kept).</summary>
    public string Written(int token, bool baseOnly = true)
    {
        var t = Tokens[token];
        var map = Segment.Normalized.ToSegment;
        var start = map[t.Start];
        var end = map[baseOnly ? t.BaseEnd : t.End];
        return Segment.Text[start..Math.Max(end, start)];
    }

    /// <summary>"Mr. Nowak", "Principal Dan Ortiz", "teacher Karen Mueller": a title before a name means an adult.</summary>
    public bool TitleBefore(int first) =>
        first > 0 && Tokens[first].GapBefore is NameGap.Space or NameGap.Period && PersonDetector.IsTitle(Tokens[first - 1].Key);
}
