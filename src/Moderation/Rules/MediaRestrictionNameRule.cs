using Kusd.Moderation.Roster;
using Kusd.Moderation.Text;

namespace Kusd.Moderation.Rules;

/// <summary>
/// <c>media-restriction/name</c>: no name form of a student with a media restriction may be published, in
/// any grade: full, preferred + family, middle name included, "Family, Given", and given + family initial
/// ("Liam N." / "Liam N"). A given name alone and a family name alone are not flagged: too many other people
/// share them ("Mr. Nowak" is a teacher). A name after a title is taken to be an adult's. There is no
/// automatic fix: a person decides. A staff member with the very same name does not silence this rule:
/// missing a restricted child costs more than a review.
/// </summary>
public sealed class MediaRestrictionNameRule : TextRule
{
    public override string Name => "media-restriction-name";

    protected override void AnalyzeField(CheckContext context, ParsedField field, IList<Finding> findings)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(field);
        var people = context.Roster.Names.People;
        foreach (var names in context.Names.Of(field))
        {
            foreach (var match in names.Matches)
            {
                var restricted = match.Entries.Any(e => people[e.Person] is { IsStudent: true, MediaRestriction: true });
                if (!restricted || names.TitleBefore(match.First))
                {
                    continue;
                }

                // An initial needs to look like one: "Liam N." or "Liam N", not "gave Liam a ribbon".
                var lastToken = names.Tokens[match.Last];
                if (match.Entries.All(e => e.Form == NameForm.GivenInitial) && (!lastToken.TitleCase || lastToken.PossessiveKey is not null && !match.Possessive))
                {
                    continue;
                }

                // "Liam N." is the name with its period; the period of "Liam Nowak." ends the sentence.
                var initialOnly = match.Entries.All(e => e.Form == NameForm.GivenInitial);
                var span = names.Span(match.First, match.Last, includeSuffix: match.Possessive && !lastToken.SuffixAfterBase, includePeriod: initialOnly);
                findings.Add(new Finding
                {
                    RuleId = RuleIds.MediaRestrictionName,
                    Severity = Severity.Error,
                    Message = "This names a student with a media restriction on file; a person must decide before publishing.",
                    Policy = PolicyRefs.MediaRestriction,
                    Target = FindingTarget.Text(field.Name),
                    Span = span,
                    Evidence = field.Original[span.Start..span.End],
                });
            }
        }
    }
}
