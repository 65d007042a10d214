using Kusd.Moderation.Text;

namespace Kusd.Moderation.Rules;

/// <summary>
/// <c>substance/text</c>: alcohol, drug and tobacco use or promotion, a warning for a person to review.
/// Prevention and education context is fine (Red Ribbon Week, "vaping is prohibited", D.A.R.E.), and
/// ambiguous words (shots, pot, joint) fire only beside a word of the same kind. Word lists:
/// Resources/substance-terms.txt and Resources/substance-context.txt.
/// </summary>
public sealed class SubstanceTextRule : TextRule
{
    // Distances in words, chosen on the prevention phrasings of the tests: "no alcohol will be served",
    // "vaping is not allowed on campus", "shots of tequila at the bar".
    private const int CueWindow = 8;
    private const int BeforeWindow = 3;
    private const int AfterWindow = 4;

    private static readonly Lazy<Lexicon> Words = new(() => Lexicon.FromResources("substance-terms.txt", "substance-context.txt"));

    public override string Name => "substance-text";

    protected override void AnalyzeField(CheckContext context, ParsedField field, IList<Finding> findings)
    {
        ArgumentNullException.ThrowIfNull(field);
        foreach (var segment in field.Segments)
        {
            // Code is published too; only the name, ID and link rules leave it out.
            if (segment.Kind is not (SegmentKind.Visible or SegmentKind.AltText or SegmentKind.Code))
            {
                continue;
            }

            var normalized = segment.Normalized;
            var tokens = LexiconTokenizer.Tokenize(normalized.Value);
            var matches = Words.Value.Match(tokens);
            if (matches.Count == 0)
            {
                continue;
            }

            matches.RemoveAll(m => m.Entry.Has("caps") && !m.Disguised && !IsCapitals(field, normalized, tokens, m));
            foreach (var hit in matches)
            {
                var kind = hit.Entry.Tag;
                if (kind is not ("alcohol" or "drug" or "tobacco")
                    || (hit.Entry.Has("context") && !HasCue(matches, tokens, hit))
                    || IsExcused(matches, tokens, hit)
                    || IsInsideUrl(normalized.Value, tokens[hit.First].Start))
                {
                    continue;
                }

                var span = normalized.ToFieldSpan(tokens[hit.First].Start, tokens[hit.Last].End);
                findings.Add(new Finding
                {
                    RuleId = RuleIds.SubstanceText,
                    Severity = Severity.Warning,
                    Message = $"This text may depict or promote {Describe(kind)}: a person must review it (prevention and education content is fine).",
                    Policy = PolicyRefs.Substances,
                    Target = FindingTarget.Text(field.Name),
                    Span = span,
                    Evidence = field.Original[span.Start..span.End],
                });
            }
        }
    }

    private static string Describe(string kind) => kind switch
    {
        "alcohol" => "alcohol use",
        "drug" => "drug use",
        _ => "tobacco or nicotine use",
    };

    private static bool HasCue(List<LexiconMatch> matches, List<LexiconToken> tokens, LexiconMatch hit)
    {
        var kind = hit.Entry.Tag;
        foreach (var m in matches)
        {
            if (m.Equals(hit) || !SameSentence(tokens, m, hit) || (Distance(m, hit) > CueWindow && !m.Entry.Has("sentence")))
            {
                continue;
            }

            var tag = m.Entry.Tag;
            if (tag == "cue-" + kind
                || (tag == "cue-smoke" && kind is "drug" or "tobacco")
                || (tag == kind && !m.Entry.Has("context")))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsExcused(List<LexiconMatch> matches, List<LexiconToken> tokens, LexiconMatch hit)
    {
        foreach (var m in matches)
        {
            var excuses = m.Entry.Tag switch
            {
                "prevent" => tokens[m.First].Paragraph == tokens[hit.First].Paragraph,
                "negate" => SameSentence(tokens, m, hit),
                "negate-before" => SameSentence(tokens, m, hit) && m.Last < hit.First && hit.First - m.Last <= BeforeWindow,
                "negate-after" => SameSentence(tokens, m, hit) && m.First > hit.Last && m.First - hit.Last <= AfterWindow,
                "negate-next" => m.First == hit.Last + 1 && SameSentence(tokens, m, hit),
                _ => false,
            };
            if (excuses)
            {
                return true;
            }
        }

        return false;
    }

    private static bool SameSentence(List<LexiconToken> tokens, LexiconMatch a, LexiconMatch b) =>
        tokens[a.First].Sentence == tokens[b.First].Sentence && tokens[a.Last].Sentence == tokens[b.Last].Sentence;

    private static int Distance(LexiconMatch a, LexiconMatch b) =>
        a.Last < b.First ? b.First - a.Last : a.First > b.Last ? a.First - b.Last : 0;

    // A word in a written-out address (cdc.gov/tobacco) depicts nothing; where links go is link/external's job.
    private static bool IsInsideUrl(string text, int start)
    {
        var chunk = start;
        while (chunk > 0 && !char.IsWhiteSpace(text[chunk - 1]) && start - chunk < 256)
        {
            chunk--;
        }

        var before = text.AsSpan(chunk, start - chunk);
        return before.Contains("://", StringComparison.Ordinal) || before.StartsWith("www.", StringComparison.Ordinal)
            || (before.Length > 0 && before[^1] == '/' && before.Contains('.'));
    }

    private static bool IsCapitals(ParsedField field, NormalizedText normalized, List<LexiconToken> tokens, LexiconMatch m)
    {
        var span = normalized.ToFieldSpan(tokens[m.First].Start, tokens[m.Last].End);
        return !field.Original.AsSpan(span.Start, span.Length).ContainsAnyInRange('a', 'z');
    }
}
