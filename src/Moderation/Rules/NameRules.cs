using Kusd.Moderation.Roster;
using Kusd.Moderation.Text;

namespace Kusd.Moderation.Rules;

/// <summary>
/// The words and roster names of each readable segment, found once per check and shared by both name
/// rules (tokenising and matching cost a few dictionary look-ups per word, whatever the roster's size).
/// </summary>
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

    // Alt text is published with the image; link targets and image sources are URLs that a fix would break.
    public static IEnumerable<SegmentNames> Of(CheckContext context, ParsedField field)
    {
        Dictionary<TextSegment, SegmentNames> cache;
        lock (context.Items)
        {
            if (!context.Items.TryGetValue(typeof(SegmentNames), out var cached))
            {
                context.Items[typeof(SegmentNames)] = cached = new Dictionary<TextSegment, SegmentNames>(ReferenceEqualityComparer.Instance);
            }

            cache = (Dictionary<TextSegment, SegmentNames>)cached;
        }

        foreach (var segment in field.Segments)
        {
            if (segment.Kind is not (SegmentKind.Visible or SegmentKind.AltText) || segment.Text.Length == 0)
            {
                continue;
            }

            SegmentNames? names;
            lock (cache)
            {
                if (!cache.TryGetValue(segment, out names))
                {
                    var tokens = NameTokenizer.Tokenize(segment.Normalized);
                    var matches = context.Roster.Names.Match(tokens);
                    matches.RemoveAll(m => IsLowerCasePhrase(tokens, m));
                    cache[segment] = names = new SegmentNames(segment, tokens, matches);
                }
            }

            yield return names;
        }
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
        first > 0 && Tokens[first].GapBefore is NameGap.Space or NameGap.Period && NameWords.Titles.Contains(Tokens[first - 1].Key);
}

/// <summary>Word lists of the name rules (keys: lower case, folded).</summary>
internal static class NameWords
{
    public static readonly HashSet<string> Titles = new(StringComparer.Ordinal)
    {
        "mr", "mrs", "ms", "miss", "mx", "dr", "mister", "madam", "madame", "sir", "prof", "professor", "rev",
        "reverend", "fr", "father", "pastor", "coach", "principal", "teacher", "superintendent",
        "counselor", "counsellor", "librarian", "nurse", "secretary", "director", "dean", "judge", "senator", "mayor",
        "governor", "representative", "rep", "captain", "capt", "sgt", "officer", "deputy", "chief", "chef", "custodian",
        "paraprofessional", "para", "aide", "volunteer", "parent", "mom", "dad", "mother", "grandmother", "grandfather",
        "grandma", "grandpa", "author", "illustrator", "guest", "speaker", "visitor", "firefighter", "artist", "musician",
        "scientist", "member", "trustee", "president", "specialist", "interventionist", "therapist", "psychologist",
        "assistant", "associate", "administrator", "staff", "alumnus", "alumna", "alum",
    };

    // A word here after a first name makes a place, event or thing, not a child: "Lincoln Elementary", "Field Day".
    public static readonly HashSet<string> NotSurnames = new(StringComparer.Ordinal)
    {
        "elementary", "school", "schools", "academy", "middle", "high", "center", "centre", "library", "hall",
        "street", "st", "avenue", "ave", "road", "rd", "drive", "lane", "boulevard", "blvd", "way", "court", "circle",
        "place", "foundation", "award", "awards", "scholarship", "fund", "memorial", "field", "stadium", "gym",
        "gymnasium", "auditorium", "building", "campus", "room", "university", "college", "institute", "church",
        "county", "district", "prize", "trophy", "cup", "day", "days", "night", "week", "month", "year", "program",
        "club", "society", "house", "grade", "grades", "grader", "graders", "class", "classes", "team", "trip", "fair",
        "show", "concert", "festival", "kindergarten", "kindergartner", "kindergartners", "preschool", "students",
        "student", "teacher", "teachers", "principal", "staff", "families", "family", "parents", "and", "or", "the",
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
        "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
        "spring", "summer", "fall", "autumn", "winter", "christmas", "holiday", "break", "lake", "river", "bay",
        "beach", "zoo", "museum", "theater", "theatre", "arena", "market", "store", "shop", "cafe", "restaurant",
    };

    // Surnames that are also place words: "Liam Park" is a child, "visited Washington Park" a place.
    public static readonly HashSet<string> PlaceSurnames = new(StringComparer.Ordinal)
    {
        "park", "lake", "hill", "hills", "heights", "woods", "grove", "square", "plaza", "valley", "point", "springs",
    };

    public static readonly HashSet<string> PlacePrepositions = new(StringComparer.Ordinal)
    {
        "at", "to", "in", "visited", "visit", "visiting", "near", "from", "the", "toward", "towards", "around",
        "through", "into", "on",
    };

    public static readonly HashSet<string> EverydayWordNames = new(StringComparer.Ordinal)
    {
        "will", "may", "june", "april", "august", "grace", "hope", "faith", "joy", "rose", "summer", "autumn", "winter",
        "art", "bill", "mark", "pat", "sue", "rob", "don", "ray", "dawn", "eve", "lily", "ivy", "holly", "hazel", "daisy",
        "amber", "ruby", "pearl", "jade", "crystal", "olive", "violet", "iris", "sky", "river", "storm", "hunter", "chase",
        "wade", "grant", "dean", "drew", "jack", "frank", "gene", "guy", "sandy", "rusty", "penny", "angel", "honor",
        "king", "earl", "duke", "noble", "sterling", "cash", "page", "field", "star", "sunny", "melody", "harmony",
        "destiny", "journey", "reed", "rich", "miles", "price", "ford", "lane", "gray", "grey", "rocky", "bud", "buck",
        "carol", "glen", "cliff", "dale", "forest", "young", "bob", "sage", "ash", "blue", "rain", "misty", "trinity",
        "unity", "justice", "liberty", "patience", "green", "brown", "white", "black", "long", "short", "hill", "wood",
        "rice", "bell", "park", "best", "little", "street", "day", "knight", "north", "west", "south", "east",
    };

    public static readonly HashSet<string> StudyWords = new(StringComparer.Ordinal)
    {
        "studied", "study", "studying", "studies", "about", "honoring", "honored", "honor", "celebrating",
        "celebrated", "like", "painter", "poet", "inventor", "explorer", "astronaut", "athlete", "singer",
        "composer", "activist", "famous", "biography", "portrait",
    };

    public static readonly HashSet<string> AdultAfter = new(StringComparer.Ordinal)
    {
        "teacher", "teachers", "principal", "aide", "paraprofessional", "coach", "counselor", "librarian", "nurse",
        "secretary", "volunteer", "parent", "mom", "dad", "mother", "father", "grandmother", "grandfather", "author",
        "illustrator", "director", "superintendent", "specialist", "custodian", "staff",
    };

    private static readonly HashSet<string> GradeCues = new(StringComparer.Ordinal)
    {
        "kindergarten", "kindergartner", "kindergartners", "kindergartener", "kindergarteners", "kinder",
        "preschool", "preschooler", "preschoolers", "prek", "4k", "5k", "elementary",
    };

    private static readonly HashSet<string> Ordinals = new(StringComparer.Ordinal)
    {
        "first", "second", "third", "fourth", "fifth", "1st", "2nd", "3rd", "4th", "5th",
    };

    private static readonly HashSet<string> GradeWords = new(StringComparer.Ordinal) { "grade", "grader", "graders", "grades" };

    /// <summary>Marks the tokens that say "elementary": kindergartner, 4K, pre-K, first grade(r) ... 5th grade, elementary.</summary>
    public static bool[] ElementaryCues(List<NameToken> tokens)
    {
        var cues = new bool[tokens.Count];
        for (var i = 0; i < tokens.Count; i++)
        {
            var key = tokens[i].Key;
            var next = i + 1 < tokens.Count && tokens[i + 1].GapBefore == NameGap.Space ? tokens[i + 1].Key : null;
            if (GradeCues.Contains(key)
                || (key == "pre" && next == "k")
                || (Ordinals.Contains(key) && next is not null && GradeWords.Contains(next))
                || (key == "grade" && next is "k" or "1" or "2" or "3" or "4" or "5"))
            {
                cues[i] = true;
            }
        }

        return cues;
    }
}

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
        foreach (var names in SegmentNames.Of(context, field))
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
        && !NameWords.NotSurnames.Contains(token.PossessiveKey ?? token.Key) && !NameWords.Titles.Contains(token.Key);

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
        foreach (var names in SegmentNames.Of(context, field))
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
