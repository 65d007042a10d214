using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Kusd.Moderation.Content;
using Kusd.Moderation.Roster;
using Kusd.Moderation.Text;

namespace Kusd.Moderation.Rules;

/// <summary>
/// <c>email/student</c>: addresses of students and their families (roster emails of students, and any
/// address at a student email domain), including obfuscated forms ("name [at] students [dot] kusd [dot] edu",
/// zero-width characters, entities, %40, mailto: links). District staff and unknown addresses are not reported.
/// The fix removes the address with the words that introduced it ("email her at"), or puts in the district's
/// office contact when one is configured; HTML tags inside the run are kept so the markup stays balanced.
/// </summary>
public sealed class EmailRule : TextRule
{
    private const string Label = @"[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?";

    // Separators between labels: ".", "%2e", "&#46;", "[dot]", "(dot)", " dot ".
    private const string Dot = @"(?:\.|%2e|&#0*46;|&#x0*2e;|&period;|\s*[\[\(\{<]\s*dot\s*[\]\)\}>]\s*|\s+dot\s+)";

    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    // Runs over normalised text (lower case, NFKC, invisible characters dropped), so "＠", "Ａ" and
    // zero-width joiners inside an address need no cases of their own.
    private static readonly Regex Candidate = new(
        @"\b(?<local>[a-z0-9](?:[a-z0-9._+\-]*[a-z0-9_+\-])?)" +
        @"(?:(?<sym>\s*@\s*|%40|&#0*64;|&#x0*40;|&commat;)|(?<bracket>\s*[\[\(\{<]\s*at\s*[\]\)\}>]\s*)|(?<word>\s+at\s+))" +
        $"(?<domain>{Label}(?:{Dot}{Label})+)",
        RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.IgnoreCase,
        MatchTimeout);

    private static readonly Regex Separator = new(Dot, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, MatchTimeout);

    private static readonly Regex SpelledDot = new(@"\bdot\b", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, MatchTimeout);

    private static readonly Regex Tag = new(@"<[^<>]*>", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, MatchTimeout);

    private static readonly ConditionalWeakTable<RosterSnapshot, FrozenSet<string>> StudentAddresses = new();

    // The words that introduce an address and mean nothing once it is gone: "email her at", "send Maya a note at",
    // "write to", "contact:", "reach the family via". Only on the same line, right before the address.
    private static readonly Regex Introduction = new(
        @"(?:(?:\b(?:you|parents|families|students|they|we)[ \t]+(?:can|may|should|could|will)[ \t]+|\bplease[ \t]+)?\b(?:e-?mail|write|send|contact|reach|message|text|ask|questions?|notes?|reply|respond)\b[^\r\n.!?:;@<>]{0,30}?[ \t]+(?:at|to|via|on)|\b(?:e-?mail|contact|write|message)(?:[ \t]+(?:address|her|him|them|us|me))?[ \t]*:?|\bat)[ \t]*$",
        RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.IgnoreCase,
        MatchTimeout);

    // What may follow a removed address and its introduction without a sentence left dangling: ", and ", " or ".
    private static readonly Regex Connector = new(@"^[ \t]*,?[ \t]+(?:and|or)\b", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, MatchTimeout);

    public override string Name => "email";

    /// <summary>Lower-case addresses of students and their families on a roster, built once per snapshot.</summary>
    internal static FrozenSet<string> StudentAddressesOf(RosterSnapshot roster) =>
        StudentAddresses.GetValue(roster, static r => r.Roster.People
            .Where(p => p.IsStudent)
            .SelectMany(p => p.Emails)
            .Select(e => e.Trim().ToLowerInvariant())
            .Where(e => e.Contains('@', StringComparison.Ordinal))
            .ToFrozenSet(StringComparer.Ordinal));

    protected override void AnalyzeField(CheckContext context, ParsedField field, IList<Finding> findings)
    {
        var roster = StudentAddressesOf(context.Roster);
        var studentDomains = context.Options.StudentEmailDomains
            .Select(d => d.Trim().TrimStart('@').TrimEnd('.').ToLowerInvariant())
            .Where(d => d.Length > 0)
            .ToArray();
        var reported = new HashSet<TextSpan>();
        var fixedUpTo = 0;
        foreach (var segment in field.Segments)
        {
            var spans = FindStudentAddresses(segment.Normalized, roster, studentDomains);
            if (spans.Count == 0)
            {
                continue;
            }

            // Removing only the address from href="mailto:x@y?subject=z" would leave a broken "mailto:?subject=z";
            // the whole link target goes, so the sanitized HTML keeps the link text and an empty href.
            if (segment.Kind == SegmentKind.LinkTarget && segment.Text.TrimStart().StartsWith("mailto:", StringComparison.OrdinalIgnoreCase))
            {
                spans = [segment.ToFieldSpan(0, segment.Text.Length)];
            }

            foreach (var span in spans)
            {
                if (span.Length > 0 && reported.Add(span))
                {
                    var evidence = field.Original[span.Start..span.End];
                    // Text read from an image cannot be edited: its finding points at the address alone.
                    var (fixSpan, replacement) = segment.Kind == SegmentKind.LinkTarget || Images.ImageTextStage.IsImageTextField(field.Name)
                        ? (span, string.Empty)
                        : RemovalOf(field.Original, span, context.Options.OfficeContact);

                    // Two addresses side by side: the second removal starts where the first ended, so both apply.
                    if (fixSpan.Start < fixedUpTo && fixedUpTo <= span.Start)
                    {
                        fixSpan = new TextSpan(fixedUpTo, fixSpan.End);
                    }

                    fixedUpTo = Math.Max(fixedUpTo, fixSpan.End);
                    findings.Add(new Finding
                    {
                        RuleId = RuleIds.EmailStudent,
                        Severity = Severity.Error,
                        Message = "Email addresses of students and their family members must not be posted; the address is removed.",
                        Policy = PolicyRefs.Email,
                        Target = FindingTarget.Text(field.Name),
                        Span = fixSpan,
                        Evidence = field.Original[fixSpan.Start..fixSpan.End],
                        Fix = new FindingFix((field.Format == ContentFormat.Html ? TagsOf(field.Original[fixSpan.Start..fixSpan.End]) : string.Empty) + replacement),
                    });
                }
            }
        }
    }

    /// <summary>Field spans of the student and family addresses in one normalised segment.</summary>
    internal static List<TextSpan> FindStudentAddresses(NormalizedText text, IReadOnlySet<string> roster, IReadOnlyList<string> studentDomains)
    {
        var spans = new List<TextSpan>();
        var position = 0;
        while (position < text.Value.Length)
        {
            var m = Candidate.Match(text.Value, position);
            if (!m.Success)
            {
                break;
            }

            var domain = m.Groups["domain"];

            // A candidate that is not an address may have swallowed the start of one ("parent at
            // x.family@example.com"): the search goes on from its domain, not from its end.
            position = domain.Index;
            var labels = LabelsOf(text.Value, domain.Index, domain.Length);
            var local = m.Groups["local"].Value;

            // "Log in at students.kusd.edu" is prose, not an address: a bare " at " counts only with a
            // spelled-out " dot ", or when the result is an address on the roster.
            var spelledWord = m.Groups["word"].Success;
            var requireRoster = spelledWord && !SpelledDot.IsMatch(domain.Value);

            // Trailing words glued on by a missing space ("x@students.kusd.edu.Thanks") are tried off, longest first.
            // Real domains have a handful of labels; trying at most eight keeps a pathological run linear.
            for (var count = Math.Min(labels.Count, 8); count >= 2; count--)
            {
                var candidateDomain = string.Join('.', labels.Take(count).Select(l => text.Value.Substring(l.Start, l.Length)));
                var address = local + "@" + candidateDomain;
                if (roster.Contains(address) || (!requireRoster && IsStudentDomain(candidateDomain, studentDomains)))
                {
                    var last = labels[count - 1];
                    spans.Add(text.ToFieldSpan(m.Index, last.Start + last.Length));
                    position = last.Start + last.Length;
                    break;
                }
            }
        }

        return spans;
    }

    /// <summary>
    /// What the fix takes out and puts in: with an office contact configured, the address is replaced by it ("email
    /// her at office@..."); without one, the address goes with the words that introduced it, so no "Send her a
    /// note at  and read..." is left: "Send her a note at x@y and read" becomes "read", "Questions? Email x@y."
    /// becomes "Questions?". The span reported is what the fix replaces.
    /// </summary>
    internal static (TextSpan Span, string Replacement) RemovalOf(string original, TextSpan address, string? officeContact)
    {
        if (!string.IsNullOrWhiteSpace(officeContact))
        {
            return (address, officeContact.Trim());
        }

        var start = address.Start;
        var end = address.End;
        var lineStart = original.LastIndexOfAny(['\n', '\r', '>'], Math.Max(0, start - 1)) + 1;
        var windowStart = Math.Max(lineStart, start - 60);
        if (start > windowStart && Introduction.Match(original, windowStart, start - windowStart) is { Success: true } intro)
        {
            start = intro.Index;
            var before = original.AsSpan(lineStart, start - lineStart).TrimEnd();
            var clauseStart = before.IsEmpty || before[^1] is '.' or '!' or '?' or ':' or '(' or ';';
            if (clauseStart && Connector.Match(original, end, Math.Min(original.Length - end, 12)) is { Success: true } connector)
            {
                end += connector.Length; // "Send her a note at x@y and read..." -> "read..."
            }
            else if (clauseStart)
            {
                // The sentence was there to give the address: it goes to its end. "You can write to x@y with
                // questions." and "Questions? Email x@y." leave nothing behind of that sentence.
                var limit = Math.Min(original.Length, end + 80);
                var stop = end;
                while (stop < limit && original[stop] is not ('.' or '!' or '?' or '\n' or '\r' or '<'))
                {
                    stop++;
                }

                // Only a short tail without a capital letter: "Contact: x@y Thanks to Olivia..." keeps its next sentence.
                var tail = original.AsSpan(end, stop - end);
                var shortTail = tail.Length <= 30 && !tail.ContainsAny("ABCDEFGHIJKLMNOPQRSTUVWXYZ");
                if (shortTail && stop < limit && original[stop] is '.' or '!' or '?')
                {
                    end = stop + 1;
                }
                else if (shortTail && (stop == original.Length || (stop < limit && original[stop] is '\n' or '\r' or '<')))
                {
                    end = stop;
                }
            }
        }

        // One space between the words that remain, never two, and none before the punctuation that follows.
        if (end < original.Length && original[end] is ' ' or '\t' && (start == 0 || original[start - 1] is ' ' or '\t' or '\n' or '>'))
        {
            end++;
        }
        else if (start > 0 && original[start - 1] is ' ' or '\t' && (end == original.Length || original[end] is '.' or ',' or '!' or '?' or ';' or ':' or ')' or '\n' or '\r' or '<'))
        {
            start--;
        }

        return (new TextSpan(start, end), string.Empty);
    }

    // "<span>name</span>@students.kusd.edu": the address goes, the markup it straddles stays balanced.
    private static string TagsOf(string html) => string.Concat(Tag.Matches(html).Select(m => m.Value));

    private static bool IsStudentDomain(string domain, IReadOnlyList<string> studentDomains)
    {
        foreach (var d in studentDomains)
        {
            if (domain.Equals(d, StringComparison.Ordinal) || domain.EndsWith("." + d, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static List<(int Start, int Length)> LabelsOf(string text, int start, int length)
    {
        var labels = new List<(int Start, int Length)>();
        var position = start;
        foreach (var sep in Separator.EnumerateMatches(text.AsSpan(start, length)))
        {
            labels.Add((position, start + sep.Index - position));
            position = start + sep.Index + sep.Length;
        }

        labels.Add((position, start + length - position));
        return labels;
    }
}
