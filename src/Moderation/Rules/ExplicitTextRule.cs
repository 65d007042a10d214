using Kusd.Moderation.Text;

namespace Kusd.Moderation.Rules;

/// <summary>
/// <c>explicit/text</c>: sexually explicit, pornographic and obscene language, matched on whole tokens of
/// a curated word list (Resources/explicit-terms.txt) so that Essex or Scunthorpe never match. Explicit
/// terms and strong profanity are errors; milder or often innocent words (ass, bastard, nude) are
/// warnings; mild profanity (damn, crap, hell) is not reported. Clinical words (pornography, sexting)
/// are not reported in a sentence about rules or safety ("the policy forbids pornographic material").
/// </summary>
public sealed class ExplicitTextRule : TextRule
{
    private const string ErrorMessage = "Sexually explicit, pornographic or obscene language may not be published.";
    private const string WarningMessage = "Vulgar language: a person must decide whether it may be published.";

    private static readonly Lazy<Lexicon> Words = new(() => Lexicon.FromResources("explicit-terms.txt"));

    public override string Name => "explicit-text";

    protected override void AnalyzeField(CheckContext context, ParsedField field, IList<Finding> findings)
    {
        ArgumentNullException.ThrowIfNull(field);
        foreach (var segment in field.Segments)
        {
            var normalized = segment.Normalized;
            var tokens = LexiconTokenizer.Tokenize(normalized.Value);
            var matches = Words.Value.Match(tokens);
            foreach (var match in matches)
            {
                if (match.Entry.Tag is not ("error" or "warning")
                    || (match.Entry.Has("disguised") && !match.Disguised)
                    || (match.Entry.Has("clinical") && InPolicySentence(matches, tokens, match)))
                {
                    continue;
                }

                var error = match.Entry.Tag == "error";
                var span = normalized.ToFieldSpan(tokens[match.First].Start, tokens[match.Last].End);
                findings.Add(new Finding
                {
                    RuleId = RuleIds.ExplicitText,
                    Severity = error ? Severity.Error : Severity.Warning,
                    Message = error ? ErrorMessage : WarningMessage,
                    Policy = PolicyRefs.Explicit,
                    Target = FindingTarget.Text(field.Name),
                    Span = span,
                    Evidence = field.Original[span.Start..span.End],
                });
            }
        }
    }

    // "The acceptable use policy forbids viewing pornographic material" names the thing to forbid it.
    private static bool InPolicySentence(List<LexiconMatch> matches, List<LexiconToken> tokens, LexiconMatch hit)
    {
        var sentence = tokens[hit.First].Sentence;
        foreach (var m in matches)
        {
            if (m.Entry.Tag == "policy" && tokens[m.First].Sentence == sentence)
            {
                return true;
            }
        }

        return false;
    }
}
