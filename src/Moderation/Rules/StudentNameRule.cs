using Kusd.Moderation.Roster;
using Kusd.Moderation.Text;

namespace Kusd.Moderation.Rules;

/// <summary>
/// <c>student-name/elementary</c>: an elementary (4K-5) student may be named only by first name and last
/// initial. Roster students named in full ("Emma Kowalski", "Em Kowalski", "Emma Rose Kowalski",
/// "Kowalski, Emma", "Emma Kowalski's") are errors fixed to "Emma K."; a family name alone is not flagged
/// (it may be a parent's or a staff member's). A name that a staff member also has, or that follows a
/// title ("Mrs.", "Coach"), is taken to be the adult's. Full names that are not on the roster but read like
/// a child's near an elementary cue ("kindergartner Olivia Bennett") are warnings with the same fix.
/// </summary>
public sealed class StudentNameRule : TextRule
{
    private const int CueWindow = 10;

    public override string Name => "student-name";

    protected override void AnalyzeField(CheckContext context, ParsedField field, IList<Finding> findings)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(field);
        foreach (var names in context.Names.Of(field))
        {
            var covered = new bool[names.Tokens.Count];
            foreach (var match in names.Matches)
            {
                for (var t = match.First; t <= match.Last; t++)
                {
                    covered[t] = true;
                }

                if (RosterFinding(context, field, names, match) is { } finding)
                {
                    findings.Add(finding);
                }
            }

            FindUnrostered(field, names, covered, findings);
        }
    }

    private static Finding? RosterFinding(CheckContext context, ParsedField field, SegmentNames names, NameMatch match)
    {
        var people = context.Roster.Names.People;
        var full = match.Entries.Where(e => e.Form is NameForm.Full or NameForm.Reversed).ToList();

        // A student with a media restriction gets media-restriction/name and nothing else: no form of the name
        // may be published, so no shortened "Liam N." may be offered.
        if (match.Entries.Any(e => people[e.Person] is { IsStudent: true, MediaRestriction: true }))
        {
            return null;
        }

        if (full.Count == 0 || names.TitleBefore(match.First)
            || full.Any(e => !people[e.Person].IsStudent)
            || !full.Any(e => people[e.Person].IsElementaryStudent))
        {
            return null;
        }

        // "Lee Park" may be one student's name and another's written surname first: read it as written first.
        var entry = full.Where(e => people[e.Person].IsElementaryStudent).OrderBy(e => e.Form).First();
        var (givenFirst, familyFirst) = entry.Form == NameForm.Full
            ? (match.First, match.Last - entry.FamilyTokens + 1)
            : (match.Last - entry.GivenTokens + 1, match.First);
        var givenLast = givenFirst + entry.GivenTokens - 1;
        return Build(field, names, match.First, match.Last, givenFirst, givenLast, familyFirst, match.Possessive, Severity.Error,
            "Elementary students may be named only by first name and last initial.");
    }

    private static void FindUnrostered(ParsedField field, SegmentNames names, bool[] covered, IList<Finding> findings)
    {
        var tokens = names.Tokens;
        if (tokens.Count < 2)
        {
            return;
        }

        var cues = NameWords.ElementaryCues(tokens);
        var cuesBefore = new int[tokens.Count + 1];
        for (var i = 0; i < tokens.Count; i++)
        {
            cuesBefore[i + 1] = cuesBefore[i] + (cues[i] ? 1 : 0);
        }

        if (cuesBefore[^1] == 0)
        {
            return;
        }

        var famousEnd = -1;
        for (var i = 0; i + 1 < tokens.Count; i++)
        {
            if (!LooksLikeName(names, covered, i, out var last))
            {
                continue;
            }

            // "studied Frida Kahlo and Diego Rivera": people a class learns about are not its students.
            if (i > 0 && (NameWords.StudyWords.Contains(tokens[i - 1].Key)
                          || (famousEnd >= 0 && (famousEnd == i - 1 || (famousEnd == i - 2 && tokens[i - 1].Key is "and" or "or")))))
            {
                famousEnd = last;
                i = last;
                continue;
            }

            var from = Math.Max(0, i - CueWindow);
            var to = Math.Min(tokens.Count, last + 1 + CueWindow);
            if (cuesBefore[to] - cuesBefore[from] == 0)
            {
                continue;
            }

            var possessive = tokens[last].PossessiveKey is not null;
            findings.Add(Build(field, names, i, last, i, i, last, possessive, Severity.Warning,
                "This reads like an elementary student's full name; elementary students may be named only by first name and last initial."));
            i = last;
        }
    }

    // Capitalised first name from the list, then a capitalised surname-looking word, not after a title,
    // not before a place word, not a heading in title case, not on the roster.
    private static bool LooksLikeName(SegmentNames names, bool[] covered, int i, out int last)
    {
        var tokens = names.Tokens;
        last = i + 1;
        var given = tokens[i];
        if (!given.TitleCase || given.Upper || given.PossessiveKey is not null || covered[i] || !FirstNames.Contains(given.Key)
            || names.TitleBefore(i))
        {
            return false;
        }

        if (!Surname(tokens[i + 1]) || covered[i + 1] || tokens[i + 1].GapBefore != NameGap.Space)
        {
            return false;
        }

        // "Mary Ann Smith": a second first name, then the surname.
        if (i + 2 < tokens.Count && tokens[i + 1].PossessiveKey is null && FirstNames.Contains(tokens[i + 1].Key)
            && tokens[i + 2].GapBefore == NameGap.Space && Surname(tokens[i + 2]) && !covered[i + 2])
        {
            last = i + 2;
        }

        if (i > 0 && NameWords.PlaceSurnames.Contains(tokens[i + 1].Key) && NameWords.PlacePrepositions.Contains(tokens[i - 1].Key))
        {
            return false; // "visited Washington Park"
        }

        var after = last + 1;
        if (after < tokens.Count && tokens[last].PossessiveKey is null && tokens[after].GapBefore is NameGap.Space or NameGap.Comma)
        {
            var next = tokens[after];
            if (next.GapBefore == NameGap.Space && next.TitleCase && NameWords.NotSurnames.Contains(next.Key))
            {
                return false; // "Grace Hopper Academy"
            }

            for (var k = after; k < Math.Min(tokens.Count, after + 3); k++)
            {
                if (k > after && tokens[k].GapBefore == NameGap.Break)
                {
                    break;
                }

                if (NameWords.AdultAfter.Contains(tokens[k].Key))
                {
                    return false; // "Olivia Bennett, teacher", "Karen Lund, our kindergarten teacher"
                }
            }

            if (next.GapBefore == NameGap.Space && next.TitleCase && after + 1 < tokens.Count
                && tokens[after + 1].GapBefore == NameGap.Space && tokens[after + 1].TitleCase)
            {
                return false; // "Olivia Wins Spelling Bee": a heading in title case, not a name.
            }
        }

        return true;
    }

    private static bool Surname(NameToken token) =>
        token.TitleCase && !token.Upper && token.Key.Length >= 2 && token.Key.All(char.IsLetter)
        && !NameWords.NotSurnames.Contains(token.PossessiveKey ?? token.Key) && !PersonDetector.IsTitle(token.Key);

    private static Finding Build(
        ParsedField field, SegmentNames names, int first, int last, int givenFirst, int givenLast, int familyFirst, bool possessive,
        Severity severity, string message)
    {
        // "Emma Kowalski's" -> span "Emma Kowalski", fix "Emma K." (the 's stays); "Kowalskis'" -> the whole word, fix "... K.'s".
        var keepSuffixOutside = !possessive || names.Tokens[last].SuffixAfterBase;
        var span = names.Span(first, last, includeSuffix: !keepSuffixOutside);
        var givenSpan = names.Span(givenFirst, givenLast, includeSuffix: false);
        var familySpan = names.Span(familyFirst, familyFirst, includeSuffix: false);
        var initial = char.ToUpperInvariant(names.Written(familyFirst)[0]) + "." + (keepSuffixOutside ? string.Empty : "'s");
        var original = field.Original;

        // The fix keeps the given name as submitted and every tag inside the span ("Chloe</strong> Kaczmarek"
        // becomes "Chloe</strong> K."), so rewriting a name never breaks the markup around it.
        string replacement;
        if (givenFirst == first && familyFirst == givenLast + 1)
        {
            replacement = original[span.Start..familySpan.Start] + initial;
        }
        else if (givenFirst == first)
        {
            replacement = original[span.Start..givenSpan.End] + TagsIn(original, givenSpan.End, familySpan.Start) + " " + initial;
        }
        else
        {
            replacement = original[givenSpan.Start..givenSpan.End] + " " + initial + TagsIn(original, span.Start, givenSpan.Start);
        }

        return new Finding
        {
            RuleId = RuleIds.StudentNameElementary,
            Severity = severity,
            Message = message,
            Policy = PolicyRefs.PersonallyIdentifiable,
            Target = FindingTarget.Text(field.Name),
            Span = span,
            Evidence = original[span.Start..span.End],
            Fix = new FindingFix(replacement),
        };
    }

    private static string TagsIn(string text, int start, int end)
    {
        var tags = new System.Text.StringBuilder();
        var i = start;
        while (i < end)
        {
            var open = text.IndexOf('<', i, end - i);
            if (open < 0)
            {
                break;
            }

            var close = text.IndexOf('>', open, end - open);
            if (close < 0)
            {
                break;
            }

            tags.Append(text, open, close - open + 1);
            i = close + 1;
        }

        return tags.ToString();
    }
}
