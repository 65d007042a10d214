using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Kusd.Moderation.Roster;

namespace Kusd.Moderation.Rules;

/// <summary>
/// Finds where people are named in running text: roster students' names, name-like word pairs ("Maya Lopez",
/// "Maya L.") and possessives, never after a title or role (<see cref="PersonWords.Titles"/>, the list the name
/// rules use too) and never when the pair names a place, program or event. A mention is strong when its first
/// word is a roster student's or a common first name. The FERPA rule asks it whether confidential words are
/// about a person; the name rules share its title list.
/// </summary>
internal static class PersonDetector
{
    private const RegexOptions Sensitive = RegexOptions.NonBacktracking | RegexOptions.CultureInvariant;

    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    /// <summary>"Mrs", "Coach", "Principal", "mom": a word before a name that makes it an adult's or a role's.</summary>
    public static bool IsTitle(string word) => PersonWords.Titles.Contains(word);

    /// <summary>Where a person may be named; strong when the first word is a roster or common first name.</summary>
    public readonly record struct Mention(int Start, int End, bool Strong);

    private static readonly Regex NamePair = new(@"\b(?<a>\p{Lu}\p{Ll}+(?:[\-'’]\p{Lu}?\p{Ll}+)?)[ \t]+(?<b>\p{Lu}\p{Ll}+(?:[\-'’]\p{Lu}?\p{Ll}+)?|\p{Lu}\.)", Sensitive, MatchTimeout);

    private static readonly Regex CapitalizedWord = new(@"\b\p{Lu}\p{Ll}+(?<possessive>['’]s\b)?", Sensitive, MatchTimeout);

    // Capitalised words that start sentences or name places, programs and events rather than people.
    private static readonly FrozenSet<string> NotNames = FrozenSet.ToFrozenSet(
    [
        "the", "a", "an", "our", "your", "their", "his", "her", "my", "we", "you", "they", "he", "she", "it", "this", "that", "these",
        "those", "dear", "please", "thanks", "thank", "congrats", "congratulations", "happy", "welcome", "hello", "hi", "good",
        "great", "big", "get", "go", "join", "come", "see", "visit", "order", "sign", "read", "save", "don't", "and", "or", "but",
        "for", "from", "with", "at", "in", "on", "to", "of", "by", "if", "when", "all", "no", "not", "new", "old", "north",
        "south", "east", "west", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
        "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
        "room", "bus", "grade", "grades", "student", "students", "support", "services", "service", "school", "schools",
        "elementary", "middle", "high", "academy", "center", "centre", "district", "unified", "department", "office", "board",
        "education", "special", "health", "mental", "public", "library", "museum", "field", "gym", "auditorium", "hall",
        "stadium", "cafeteria", "street", "st", "avenue", "ave", "road", "rd", "drive", "dr", "lane", "court", "boulevard", "way",
        "winter", "spring", "summer", "fall", "autumn", "concert", "festival", "fair", "night", "day", "week", "month", "year",
        "club", "team", "council", "association", "pta", "pto", "boosters", "booster", "foundation", "gala", "program",
        "programs", "class", "classes", "parent", "parents", "family", "families", "teacher", "teachers", "staff", "kenosha",
        "wisconsin", "racine", "milwaukee", "chicago", "lunch", "breakfast", "menu", "report", "reports", "card", "cards", "flu",
        "nurse", "reminder", "update", "note", "notes", "found", "lost", "trip", "math", "science", "english", "reading",
        "history", "art", "music", "band", "choir", "orchestra", "theater", "theatre", "drama", "robotics", "soccer", "football",
        "basketball", "volleyball", "baseball", "softball", "track", "cross", "country", "swim", "tennis", "golf", "wrestling",
        "hockey", "varsity", "junior", "senior", "freshman", "sophomore", "honor", "roll", "awards", "award", "coach", "principal",
        "mr", "mrs", "ms", "pre", "eligibility", "meal", "train", "coat", "donations", "resource", "schedule", "other", "game",
        "games", "tournament", "championship", "conference", "state", "regional", "county", "city", "community", "college",
        "university", "technical", "gateway", "tremper", "bradford", "indian", "trail", "plan", "plans", "iep", "meeting",
        "meetings", "open", "house", "night", "policy", "rule", "first", "second", "third", "fourth", "fifth", "sixth", "grand",
        "national", "american", "awareness", "action", "safety", "care", "camp", "summer", "kindergarten", "preschool",
        "heart", "assembly", "picture", "photo", "photos", "yearbook", "spirit", "homecoming", "prom", "graduation",
        "registration", "enrollment", "questions", "question", "note", "notice", "attention", "important", "free", "friday's",
        "today", "tomorrow", "tonight", "morning", "afternoon", "evening", "after", "before", "during", "while", "also", "then",
        "there", "here", "what", "why", "how", "who", "where", "which", "is", "are", "was", "were", "will", "can", "be",
    ], StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenSet<string> EventNouns = FrozenSet.ToFrozenSet(
    [
        "game", "games", "night", "day", "days", "event", "events", "sale", "drive", "walk", "run", "fundraiser", "festival",
        "fair", "tournament", "match", "meet", "concert", "dance", "show", "program", "campaign", "week", "month", "challenge",
        "club", "team", "league", "center", "park", "school", "award", "awards", "scholarship", "foundation", "fund",
    ], StringComparer.Ordinal);

    private static readonly ConditionalWeakTable<RosterSnapshot, FrozenSet<string>> StudentNames = new();

    /// <summary>Where a person may be named; strong when the first word is a roster or common first name.</summary>
    /// <summary>Given, preferred and family names of the roster's students, built once per snapshot.</summary>
    public static FrozenSet<string> StudentNamesOf(RosterSnapshot roster) =>
        StudentNames.GetValue(roster, static r => r.Roster.People
            .Where(p => p.IsStudent)
            .SelectMany(p => new[] { p.GivenName, p.PreferredName, p.FamilyName })
            .SelectMany(n => (n ?? string.Empty).Split([' ', '-'], StringSplitOptions.RemoveEmptyEntries))
            .Where(n => n.Length >= 3 && !NotNames.Contains(n))
            .ToFrozenSet(StringComparer.OrdinalIgnoreCase));

    /// <summary>Spans of likely student names: roster students' names, name-like word pairs and possessives, not staff titles.</summary>
    public static List<Mention> Mentions(string text, IReadOnlySet<string> rosterNames)
    {
        var mentions = new List<Mention>();
        var position = 0;
        while (position < text.Length)
        {
            var m = NamePair.Match(text, position);
            if (!m.Success)
            {
                break;
            }

            var a = m.Groups["a"];
            var b = m.Groups["b"];
            if (!NotNames.Contains(StripPossessive(a.Value)) && !NotNames.Contains(StripPossessive(b.Value).TrimEnd('.')) && !AfterTitle(text, a.Index)
                && !IsTitle(a.Value) && !NamesAThing(text, m.Index, m.Index + m.Length))
            {
                mentions.Add(new Mention(m.Index, m.Index + m.Length, IsFirstName(a.Value, rosterNames)));
                position = m.Index + m.Length;
            }
            else
            {
                // "Dear Karen Mueller": the second word may start the real pair.
                position = b.Index;
            }
        }

        foreach (Match m in CapitalizedWord.Matches(text))
        {
            var word = StripPossessive(m.Value);
            if (NotNames.Contains(word) || IsTitle(word) || AfterTitle(text, m.Index))
            {
                continue;
            }

            if (rosterNames.Contains(word) || m.Groups["possessive"].Success)
            {
                mentions.Add(new Mention(m.Index, m.Index + m.Length, rosterNames.Contains(word) || IsFirstName(word, rosterNames)));
            }
        }

        mentions.Sort((x, y) => x.Start.CompareTo(y.Start));
        return mentions;
    }

    // "the Dig Pink game", "our Maple Grove fundraiser": an article before or an event noun after names a thing.
    private static bool NamesAThing(string text, int start, int end)
    {
        var before = PreviousWord(text, start);
        if (before is "the" or "a" or "an" or "our" or "their" or "this" or "that" or "annual" || before.EndsWith("'s", StringComparison.Ordinal))
        {
            return true;
        }

        var i = end;
        while (i < text.Length && text[i] is ' ' or '\t')
        {
            i++;
        }

        var j = i;
        while (j < text.Length && char.IsLower(text[j]))
        {
            j++;
        }

        return EventNouns.Contains(text[i..j]);
    }

    public static string PreviousWord(string text, int start)
    {
        var i = start - 1;
        while (i >= 0 && text[i] is ' ' or '\t')
        {
            i--;
        }

        var end = i + 1;
        while (i >= 0 && (char.IsLetter(text[i]) || text[i] is '\'' or '’'))
        {
            i--;
        }

        return text[(i + 1)..end];
    }

    private static bool IsFirstName(string word, IReadOnlySet<string> rosterNames)
    {
        var w = StripPossessive(word);
        return rosterNames.Contains(w) || FirstNames.Contains(NameTokenizer.Fold(w));
    }

    private static string StripPossessive(string word) =>
        word.EndsWith("'s", StringComparison.Ordinal) || word.EndsWith("’s", StringComparison.Ordinal) ? word[..^2] : word;

    private static bool AfterTitle(string text, int start)
    {
        var i = start - 1;
        while (i >= 0 && (text[i] == ' ' || text[i] == '\t' || text[i] == '.'))
        {
            i--;
        }

        var end = i + 1;
        while (i >= 0 && char.IsLetter(text[i]))
        {
            i--;
        }

        return end > i + 1 && IsTitle(text[(i + 1)..end]);
    }

    // people is sorted by start; mentions are short, so only those starting within the window (plus a
    // mention's length) can be near: a binary search keeps long fields linear.
}
