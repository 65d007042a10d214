using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using Kusd.Moderation.Roster;
using Kusd.Moderation.Text;

namespace Kusd.Moderation.Rules;

/// <summary>
/// <c>ferpa/confidential</c>: confidential student information (FERPA, Wis. Stat. 118.125): student ID numbers,
/// IEP/504 and special education, health, discipline, grades and home addresses. Apart from labelled IDs, a
/// term counts only when it is about someone: a student's name (or a name-like pair of words) close by on the
/// same line. Program names, staff titles, school addresses and district-wide figures are not reported.
/// </summary>
public sealed class FerpaRule : TextRule
{
    // How far (in characters, on the same line) a name may be from a term to make it about that person.
    private const int PersonWindow = 150;
    private const int BareIdWindow = 80;

    // Capitalised pairs that do not start with a known first name ("Dig Pink", "Maple Grove") are weaker evidence.
    private const int WeakPersonWindow = 60;

    // Longer "names" (a run of capitalised words) are not looked for: pairs are at most two words.
    private const int MaxMentionLength = 80;
    private const int AddressContextWindow = 50;

    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);
    private const RegexOptions Sensitive = RegexOptions.NonBacktracking | RegexOptions.CultureInvariant;
    private const RegexOptions Insensitive = Sensitive | RegexOptions.IgnoreCase;

    private static readonly Regex LabelledId = new(
        @"\b(?:student[ \t]*(?:id|identification|number|no\.?|#)|id|lunch[ \t]*(?:number|pin|#)|pin)[ \t]*(?:#|no\.?|number|num\.?)?[ \t]*[:#]?[ \t]*(?<n>\d{5,10})\b",
        Insensitive,
        MatchTimeout);

    private static readonly Regex BareNumber = new(@"\b\d{6,8}\b", Sensitive, MatchTimeout);

    private static readonly Regex IdContext = new(@"\b(?:students?|ids?|pupils?)\b", Insensitive, MatchTimeout);

    private static readonly (Category Category, Regex Pattern)[] Terms =
    [
        (Category.SpecialEducation, new(@"\bIEPs?\b|\b504[ \t]+plans?\b", Sensitive, MatchTimeout)),
        (Category.SpecialEducation, new(
            @"\bindividuali[sz]ed[ \t]+education[ \t]+(?:program|plan)s?\b|\bspecial[ \t]+ed(?:ucation)?[ \t]+(?:services|student|students|placement|evaluation|eligibility)\b|\breceives?[ \t]+special[ \t]+ed(?:ucation)?(?:[ \t]+services)?\b|\blearning[ \t]+disabilit(?:y|ies)\b|\bdyslexi[ac]\b|\bautis(?:m|tic)\b|\bbehaviou?r(?:al)?[ \t]+(?:intervention|support)[ \t]+plans?\b|\bspeech[ \t]+(?:therapy|services)\b",
            Insensitive,
            MatchTimeout)),
        (Category.Health, new(@"\bADHD\b", Sensitive, MatchTimeout)),
        (Category.Health, new(
            @"\b(?:type[ \t]*(?:1|2|one|two|i|ii)[ \t]+)?diabet(?:es|ic)\b|\binsulin\b|\bepi-?pens?\b|\bseizures?\b|\bepilep(?:sy|tic)\b|\basthma(?:tic)?\b|\binhalers?\b|\bconcussion\b" +
            @"|\b(?:(?:severe|life-threatening|serious|deadly)[ \t]+)?(?:(?:peanut|tree[ \t]+nut|nut|egg|milk|dairy|gluten|bee[ \t]+sting|wheat|soy|shellfish|food)[ \t]+)?allerg(?:y|ies|ic)\b" +
            @"|\bhospitali[sz]ed\b|\bin[ \t]+the[ \t]+hospital\b|\bsurgery\b|\bcancer\b|\bleuka?emia\b|\bchemo(?:therapy)?\b|\bdiagnos(?:ed|is)\b(?:[ \t]+with[ \t]+[a-z\-]+)?" +
            @"|\bmedications?\b|\bmedicated\b|\bprescription\b|\btested[ \t]+positive\b|\bbroken[ \t]+(?:arm|leg|ankle|wrist|foot|hand|collarbone)\b|\btorn[ \t]+acl\b|\bpregnan(?:t|cy)\b|\bdepression\b|\banxiety[ \t]+disorder\b|\beating[ \t]+disorder\b",
            Insensitive,
            MatchTimeout)),
        (Category.Discipline, new(
            @"\b(?:(?:in|out(?:[ \t]*-[ \t]*|[ \t]+)of)[ \t]*-[ \t]*school[ \t]+)?suspen(?:ded|sion)\b|\bexpell?ed\b|\bexpulsion\b|\bdetentions?\b|\bdisciplinary[ \t]+(?:action|hearing|referral|record)s?\b|\b(?:office|discipline|behaviou?r)[ \t]+referrals?\b|\b(?:academic|disciplinary)[ \t]+probation\b|\barrested\b",
            Insensitive,
            MatchTimeout)),
        (Category.Attendance, new(
            @"\b(?:\d+[ \t]+)?unexcused[ \t]+absences?\b|\battendance[ \t]+(?:improvement|intervention|contract|support)[ \t]+plans?\b|\battendance[ \t]+contract\b|\btruan(?:t|cy)\b|\bchronically[ \t]+absent\b",
            Insensitive,
            MatchTimeout)),
        (Category.Grades, new(
            @"\b[A-DF][+\-]?[ \t]+(?:in|on)[ \t]+(?:[Pp]re-)?[A-Za-z]+(?:[ \t]+(?:class|test|exam|quiz|final))?\b" +
            @"|\bfailing[ \t]+(?:grades?|math|science|english|reading|history|spanish|french|algebra|geometry|biology|chemistry|physics|[a-z]+[ \t]+class)\b" +
            @"|\bGPA[ \t]*(?:of[ \t]*)?[0-4]\.\d{1,2}\b|\b[0-4]\.\d{1,2}[ \t]+GPA\b|\b\d{2,4}[ \t]+on[ \t]+(?:the|his|her|their)[ \t]+(?:SAT|ACT|PSAT|Forward|MAP|AP[ \t]+\w+)\b" +
            @"|\b\d{1,3}%[ \t]+on[ \t]+(?:the|his|her|their)[ \t]+(?:test|exam|quiz|final)\b",
            Sensitive,
            MatchTimeout)),
    ];

    // A letter grade counts only after a verb that gives it to someone ("has a D in", "got an A on").
    private static readonly Regex GradeVerb = new(@"\b(?:got|gets|earned|earns|received|receives|has|had|have|getting|made|with)[ \t]+an?[ \t]*$", Insensitive, MatchTimeout);

    private static readonly Regex Street = new(
        @"\b\d{1,6}[ \t]+(?:[NSEW]\.?[ \t]+)?(?:\d{1,3}(?:st|nd|rd|th)|\p{Lu}\p{Ll}+)(?:[ \t]+\p{Lu}\p{Ll}+)?[ \t]+(?:St|Street|Ave|Avenue|Rd|Road|Dr|Drive|Ln|Lane|Ct|Court|Blvd|Boulevard|Way|Pl|Place|Ter|Terrace|Cir|Circle|Pkwy|Parkway|Hwy|Highway|Trl)\b(?:,?[ \t]*(?:Apt|Apartment|Unit|#)\.?[ \t]*[0-9A-Za-z]+)?",
        Sensitive,
        MatchTimeout);

    private static readonly Regex Residence = new(@"\b(?:lives?|living|lived|resides?|residing|residence|home[ \t]+address|mailing[ \t]+address)\b|'s[ \t]+(?:home|house)\b|\bthe[ \t]+\p{Lu}\p{Ll}+[ \t]+(?:home|house|residence)\b", Sensitive | RegexOptions.IgnoreCase, MatchTimeout);

    private static readonly Regex Venue = new(
        @"\b(?:School|Elementary|Middle|High|Academy|Center|Centre|Library|Museum|Park|Hall|Auditorium|Stadium|Field|Gym|Gymnasium|Church|College|University|Office|Building|Campus|Arena|Pavilion|Theater|Theatre|Restaurant|Store|Cafe|Club|Complex|Fieldhouse|Plaza|Mall|Market|YMCA|Inc|LLC)\b",
        Insensitive,
        MatchTimeout);

    private static readonly Regex SoftHome = new(@"\b(?:home|house|porch|driveway|garage|address|family|families)\b", Insensitive, MatchTimeout);

    private static readonly Regex NotDiscipline = new(
        @"\b(?:game|games|match|meet|practice|play|classes|school|service|services|bus|buses|route|season|tournament|construction|rain|lightning|weather|event|events|account|sale|sales)\b[^\n]{0,20}$",
        Insensitive,
        MatchTimeout);

    // A date: "March 3", "3 March 2016", "03/14/2017", "2016-03-14".
    private const string DatePattern =
        @"(?:(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?[ \t]+\d{1,2}(?:st|nd|rd|th)?(?:,?[ \t]+(?<year>\d{4}))?" +
        @"|\d{1,2}(?:st|nd|rd|th)?[ \t]+(?:of[ \t]+)?(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?:,?[ \t]+(?<year>\d{4}))?" +
        @"|\d{1,2}/\d{1,2}/(?<year>\d{2,4})|(?<year>\d{4})-\d{2}-\d{2})";

    // "born March 3, 2016" or "born on 03/14/2017" next to a name; "date of birth" and "DOB" need no name.
    private static readonly Regex BornOn = new(@"\bborn[ \t]+(?:on[ \t]+|in[ \t]+)?(?:" + DatePattern + ")", Insensitive, MatchTimeout);

    private static readonly Regex LabelledBirthDate = new(@"\b(?:date[ \t]+of[ \t]+birth|birth[ \t]*date|d\.?o\.?b\.?)[ \t]*[:\-]?[ \t]*(?:" + DatePattern + ")", Insensitive, MatchTimeout);

    private static readonly Regex StudentsOnPlans = new(
        @"\b(?:[Ss]tudents?|[Kk]ids|[Cc]hildren)[ \t]+(?:on|with)[ \t]+(?:an?[ \t]+)?(?:IEPs?|504[ \t]+plans?)\b[^\n]{0,40}?\b(?:(?:[Rr]oom|[Rr]m\.?)[ \t]*\d+|Mrs?\.|Ms\.)",
        Sensitive,
        MatchTimeout);



    private enum Category
    {
        StudentId,
        SpecialEducation,
        Health,
        Discipline,
        Attendance,
        Grades,
        HomeAddress,
        BirthDate,
    }

    public override string Name => "ferpa";

    protected override void AnalyzeField(CheckContext context, ParsedField field, IList<Finding> findings)
    {
        var doc = FieldText.Of(field);
        if (doc.Text.Length == 0)
        {
            return;
        }

        var people = PersonDetector.Mentions(doc.Text, PersonDetector.StudentNamesOf(context.Roster));
        var found = new List<(int Start, int End, Category Category)>();
        FindIds(doc.Text, people, found);
        FindTerms(doc.Text, people, found);
        FindAddresses(doc.Text, people, found);
        FindBirthDates(doc.Text, people, found);

        foreach (var (start, end, category) in Merge(found))
        {
            var span = doc.ToFieldSpan(start, end);
            if (span.Length == 0)
            {
                continue;
            }

            findings.Add(new Finding
            {
                RuleId = RuleIds.FerpaConfidential,
                Severity = Severity.Error,
                Message = MessageOf(category),
                Policy = PolicyRefs.Confidential,
                Target = FindingTarget.Text(field.Name),
                Span = span,
                Evidence = field.Original[span.Start..span.End],
            });
        }
    }

    private static string MessageOf(Category category) => category switch
    {
        Category.StudentId => "A student ID number is confidential student information and must not be published.",
        Category.SpecialEducation => "Special education, IEP or 504 information about a student is confidential and must not be published.",
        Category.Health => "Health information about a student (diagnosis, medication, allergy, injury) is confidential and must not be published.",
        Category.Discipline => "Discipline information about a student is confidential and must not be published.",
        Category.Attendance => "Attendance records of a student (absences, attendance plans) are confidential and must not be published.",
        Category.Grades => "A student's grades, scores or academic standing are confidential and must not be published.",
        Category.BirthDate => "A student's date of birth is confidential student information and must not be published.",
        _ => "A student's or family's home address is confidential and must not be published.",
    };

    private static void FindIds(string text, List<PersonDetector.Mention> people, List<(int, int, Category)> found)
    {
        var labelled = new List<(int Start, int End)>();
        foreach (Match m in LabelledId.Matches(text))
        {
            var n = m.Groups["n"];
            labelled.Add((n.Index, n.Index + n.Length));
            found.Add((n.Index, n.Index + n.Length, Category.StudentId));
        }

        // Six to eight digits on their own: phone numbers, zip codes, years, rooms and scores are shorter or
        // punctuated, so what is left near a name or the word "student"/"ID" is an ID (a roster table, say).
        foreach (Match m in BareNumber.Matches(text))
        {
            var start = m.Index;
            var end = start + m.Length;
            if (labelled.Exists(l => l.Start == start)
                || (start > 0 && text[start - 1] is '$' or '-' or '/' or '.' or ',' or '+' or '(')
                || (end < text.Length && text[end] is '-' or '/' or '%' or ')' || (end + 1 < text.Length && text[end] is '.' or ',' && char.IsDigit(text[end + 1]))))
            {
                continue;
            }

            if (IsNear(people, start, end, BareIdWindow, text, sameLine: false) || HasNear(IdContext, text, start, end, BareIdWindow))
            {
                found.Add((start, end, Category.StudentId));
            }
        }
    }

    private static void FindTerms(string text, List<PersonDetector.Mention> people, List<(int, int, Category)> found)
    {
        foreach (var (category, pattern) in Terms)
        {
            foreach (Match m in pattern.Matches(text))
            {
                var start = m.Index;
                var end = start + m.Length;
                var before = text[Math.Max(0, start - 40)..start];
                if (category == Category.Grades && char.IsUpper(text[start]) && text[start + 1] is ' ' or '\t' or '+' or '-' && !GradeVerb.IsMatch(before))
                {
                    continue;
                }

                if (category == Category.Discipline && (NotDiscipline.IsMatch(before) || FollowedBy(text, end, "bridge")))
                {
                    continue;
                }

                // "Diabetes Awareness Walk", "Autism Speaks": a term inside a title-case phrase names an event or a cause.
                if (category is not Category.Grades && IsInTitleCasePhrase(text, start, end))
                {
                    continue;
                }

                if (IsNear(people, start, end, PersonWindow, text, sameLine: true))
                {
                    found.Add((start, end, category));
                }
            }
        }

        foreach (Match m in StudentsOnPlans.Matches(text))
        {
            found.Add((m.Index, m.Index + m.Length, Category.SpecialEducation));
        }
    }

    // "Maya Lopez was born March 3, 2016": a birth date next to a name. Dates of birth before 1990 belong to
    // the people a class studies ("Dr. Seuss was born March 2, 1904"), never to a student.
    private static void FindBirthDates(string text, List<PersonDetector.Mention> people, List<(int, int, Category)> found)
    {
        foreach (Match m in LabelledBirthDate.Matches(text))
        {
            found.Add((m.Index, m.Index + m.Length, Category.BirthDate));
        }

        foreach (Match m in BornOn.Matches(text))
        {
            var year = m.Groups["year"];
            if (year.Success && year.Length == 4 && int.Parse(year.Value, System.Globalization.CultureInfo.InvariantCulture) < 1990)
            {
                continue;
            }

            if (IsNear(people, m.Index, m.Index + m.Length, 60, text, sameLine: true))
            {
                found.Add((m.Index, m.Index + m.Length, Category.BirthDate));
            }
        }
    }

    private static void FindAddresses(string text, List<PersonDetector.Mention> people, List<(int, int, Category)> found)
    {
        foreach (Match m in Street.Matches(text))
        {
            var start = m.Index;
            var end = start + m.Length;
            var before = text[Math.Max(0, start - AddressContextWindow)..start];

            // An event flyer names the school or venue before its address; a home address is introduced as one.
            var isHome = Residence.IsMatch(before)
                || (!Venue.IsMatch(before) && (SoftHome.IsMatch(before) || IsNear(people, start, end, AddressContextWindow + 30, text, sameLine: false, strongOnly: true)));
            if (isHome)
            {
                found.Add((start, end, Category.HomeAddress));
            }
        }
    }

    private static bool IsNear(List<PersonDetector.Mention> people, int start, int end, int window, string text, bool sameLine, bool strongOnly = false)
    {
        var lo = 0;
        var hi = people.Count;
        var from = start - window - MaxMentionLength;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (people[mid].Start < from)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        for (var i = lo; i < people.Count && people[i].Start <= end + window; i++)
        {
            var (s, e, strong) = people[i];
            if (strongOnly && !strong)
            {
                continue;
            }

            var gapStart = Math.Min(e, start);
            var gapEnd = Math.Max(s, end);
            // A "name" that overlaps the term is the term in title case ("Breast Cancer Awareness Month").
            if (s < end && start < e)
            {
                continue;
            }

            var distance = s >= end ? s - end : start - e;
            if (distance > (strong ? window : Math.Min(window, WeakPersonWindow)))
            {
                continue;
            }

            if (!sameLine || text.IndexOf('\n', gapStart, gapEnd - gapStart) < 0)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsInTitleCasePhrase(string text, int start, int end)
    {
        if (end - start < 2 || !char.IsUpper(text[start]) || !char.IsLower(text[start + 1]))
        {
            return false;
        }

        var i = end;
        while (i < text.Length && text[i] is ' ' or '\t')
        {
            i++;
        }

        if (i > end && i < text.Length && char.IsUpper(text[i]))
        {
            return true;
        }

        var previous = PersonDetector.PreviousWord(text, start);
        return previous.Length > 1 && char.IsUpper(previous[0]) && !IsSentenceStart(text, start - previous.Length - 1);
    }

    // Whether the word ending just before position is the first of its sentence or line.
    private static bool IsSentenceStart(string text, int position)
    {
        var i = position;
        while (i >= 0 && text[i] is ' ' or '\t')
        {
            i--;
        }

        while (i >= 0 && char.IsLetter(text[i]))
        {
            i--;
        }

        while (i >= 0 && text[i] is ' ' or '\t')
        {
            i--;
        }

        return i < 0 || text[i] is '.' or '!' or '?' or '\n' or ':';
    }

    private static bool HasNear(Regex pattern, string text, int start, int end, int window)
    {
        var from = Math.Max(0, start - window);
        var to = Math.Min(text.Length, end + window);
        return pattern.IsMatch(text.AsSpan(from, start - from)) || pattern.IsMatch(text.AsSpan(end, to - end));
    }

    private static bool FollowedBy(string text, int end, string word)
    {
        var rest = text.AsSpan(end).TrimStart();
        return rest.StartsWith(word, StringComparison.OrdinalIgnoreCase);
    }

    // Neighbouring terms of one statement ("ADHD medication") become one finding.
    private static List<(int Start, int End, Category Category)> Merge(List<(int Start, int End, Category Category)> found)
    {
        var merged = new List<(int Start, int End, Category Category)>();
        foreach (var f in found.OrderBy(f => f.Start).ThenByDescending(f => f.End))
        {
            if (merged.Count > 0 && f.Start <= merged[^1].End + 1)
            {
                var last = merged[^1];
                merged[^1] = (last.Start, Math.Max(last.End, f.End), last.Category);
            }
            else
            {
                merged.Add(f);
            }
        }

        return merged;
    }

    /// <summary>
    /// The visible text of a field as one string, segments separated by line breaks, so that a term in one table
    /// cell or inline element can be read next to the name in another.
    /// </summary>
    private sealed class FieldText
    {
        private readonly List<(int Start, TextSegment Segment)> _parts;

        private FieldText(string text, List<(int Start, TextSegment Segment)> parts)
        {
            Text = text;
            _parts = parts;
        }

        public string Text { get; }

        public static FieldText Of(ParsedField field)
        {
            var sb = new StringBuilder();
            var parts = new List<(int Start, TextSegment Segment)>();
            foreach (var segment in field.Segments)
            {
                if (segment.Kind is not (SegmentKind.Visible or SegmentKind.AltText))
                {
                    continue;
                }

                if (sb.Length > 0)
                {
                    sb.Append('\n');
                }

                parts.Add((sb.Length, segment));
                sb.Append(segment.Text);
            }

            return new FieldText(sb.ToString(), parts);
        }

        public TextSpan ToFieldSpan(int start, int end)
        {
            var index = _parts.FindLastIndex(p => p.Start <= start);
            var (partStart, segment) = _parts[index];
            var s = start - partStart;
            var e = Math.Min(end - partStart, segment.Text.Length);
            return segment.ToFieldSpan(s, Math.Max(s, e));
        }
    }
}
