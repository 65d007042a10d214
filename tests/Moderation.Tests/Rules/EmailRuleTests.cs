using Kusd.Moderation.Content;
using Kusd.Moderation.Roster;
using Kusd.Moderation.Rules;
using Kusd.Moderation.Text;

namespace Kusd.Moderation.Tests.Rules;

public sealed class EmailRuleTests
{
    private static readonly RosterSnapshot Roster = new(new Kusd.Moderation.Roster.Roster(
    [
        new Person
        {
            Id = "S1001", GivenName = "Emma", FamilyName = "Kowalski", Grade = new Grade(2),
            Emails = ["ekowalski27@students.kusd.edu", "Kowalski.Family@Example.com"],
        },
        new Person
        {
            Id = "T2001", Role = PersonRole.Staff, GivenName = "Karen", FamilyName = "Mueller",
            Emails = ["kmueller@kusd.edu", "karen.mueller@gmail.com"],
        },
    ]));

    [Theory]
    [InlineData("Questions? Write to ekowalski27@students.kusd.edu today.", "ekowalski27@students.kusd.edu")]
    [InlineData("Contact EKowalski27@Students.KUSD.edu", "EKowalski27@Students.KUSD.edu")]
    [InlineData("Mail jsmith@hs.students.kusd.edu please", "jsmith@hs.students.kusd.edu")]
    [InlineData("Her mom is at kowalski.family@example.com.", "kowalski.family@example.com")]
    [InlineData("name [at] students [dot] kusd [dot] edu", "name [at] students [dot] kusd [dot] edu")]
    [InlineData("write name (at) students (dot) kusd (dot) edu now", "name (at) students (dot) kusd (dot) edu")]
    [InlineData("reach name at students dot kusd dot edu.", "name at students dot kusd dot edu")]
    [InlineData("reach NAME AT STUDENTS DOT KUSD DOT EDU", "NAME AT STUDENTS DOT KUSD DOT EDU")]
    [InlineData("jdoe [at] students.kusd.edu", "jdoe [at] students.kusd.edu")]
    [InlineData("jdoe @ students.kusd.edu", "jdoe @ students.kusd.edu")]
    [InlineData("jdoe%40students.kusd.edu", "jdoe%40students.kusd.edu")]
    [InlineData("jdoe&#64;students.kusd.edu", "jdoe&#64;students.kusd.edu")]
    [InlineData("jdoe&commat;students.kusd.edu", "jdoe&commat;students.kusd.edu")]
    [InlineData("jdoe\u200B@stu\u200Ddents.kusd.edu", "jdoe\u200B@stu\u200Ddents.kusd.edu")]
    [InlineData("jdoe\uFF20students.kusd.edu", "jdoe\uFF20students.kusd.edu")]
    [InlineData("Email jdoe@students.kusd.edu.Thanks!", "jdoe@students.kusd.edu")]
    [InlineData("parent at kowalski.family@example.com", "kowalski.family@example.com")]
    public void StudentAndFamilyAddressesAreFoundWithTheRunAsSubmitted(string text, string evidence)
    {
        var findings = RuleHarness.Run(new EmailRule(), RuleHarness.Plain(text), Roster);

        // The finding covers what its fix removes: the address, and the words that introduced it if any.
        var finding = Assert.Single(findings);
        Assert.Equal(RuleIds.EmailStudent, finding.RuleId);
        Assert.Equal(Severity.Error, finding.Severity);
        Assert.Equal(PolicyRefs.Email, finding.Policy);
        Assert.Contains(evidence, finding.Evidence, StringComparison.Ordinal);
        Assert.Equal(finding.Evidence, text[finding.Span!.Value.Start..finding.Span.Value.End]);
        Assert.Equal(string.Empty, finding.Fix!.Replacement);
    }

    [Theory]
    [InlineData("Contact Ms. Mueller at kmueller@kusd.edu with questions.")]
    [InlineData("The office: office@lincoln.kusd.edu")]
    [InlineData("Staff member karen.mueller@gmail.com runs the booster club.")]
    [InlineData("Tickets: someone.random@gmail.com")]
    [InlineData("Students can log in at students.kusd.edu with their ID.")]
    [InlineData("We meet at school dot com")]
    [InlineData("Meet us at 5 at the gym.")]
    [InlineData("Visit www.kusd.edu for details.")]
    [InlineData("The students.kusd.edu portal is down.")]
    [InlineData("jdoe@students.kusd.education.example.org")]
    public void StaffUnknownAndProseAreNotReported(string text)
    {
        Assert.Empty(RuleHarness.Run(new EmailRule(), RuleHarness.Plain(text), Roster));
    }

    [Fact]
    public void AddressesOfAConfiguredStudentDomainAreFound()
    {
        var options = new ModerationOptions { StudentEmailDomains = ["@Learners.Example.org"] };

        var findings = RuleHarness.Run(new EmailRule(), RuleHarness.Plain("x: abc@learners.example.org"), RosterSnapshot.Empty, options);

        Assert.Contains("abc@learners.example.org", Assert.Single(findings).Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryAddressOfARunIsReportedSeparately()
    {
        const string text = "a1@students.kusd.edu, kmueller@kusd.edu, b2@students.kusd.edu";

        var findings = RuleHarness.Run(new EmailRule(), RuleHarness.Plain(text), Roster);

        Assert.Equal(["a1@students.kusd.edu", "b2@students.kusd.edu"], findings.Select(f => f.Evidence!.Trim()));
    }

    [Fact]
    public void AMailtoLinkTargetIsRemovedWhole()
    {
        const string html = "<a href=\"mailto:ekowalski27@students.kusd.edu?subject=Hi\">Write Emma</a>";
        var hrefStart = html.IndexOf("mailto:", StringComparison.Ordinal);
        var hrefEnd = html.IndexOf('"', hrefStart);
        var field = RuleHarness.Segments(html, ContentFormat.Html, (SegmentKind.LinkTarget, hrefStart, hrefEnd), (SegmentKind.Visible, hrefEnd + 2, hrefEnd + 12));

        var finding = Assert.Single(RuleHarness.Run(new EmailRule(), field, Roster));

        Assert.Equal("mailto:ekowalski27@students.kusd.edu?subject=Hi", finding.Evidence);
        Assert.Equal("<a href=\"\">Write Emma</a>", ModerationEngine.ApplyFixes(html, [finding]));
    }

    [Fact]
    public void AnEntityEncodedAddressInHtmlIsReportedWithItsSubmittedSpelling()
    {
        // What the HTML parser hands over: "&#64;" decoded to "@", each character mapped to where it was.
        const string html = "<p>jdoe&#64;students.kusd.edu</p>";
        var decoded = "jdoe@students.kusd.edu";
        var offsets = new List<int>();
        for (var i = 3; i < 7; i++)
        {
            offsets.Add(i);
        }

        offsets.Add(7);
        for (var i = 12; i <= 29; i++)
        {
            offsets.Add(i);
        }

        var field = new ParsedField("body", html, ContentFormat.Html, [new TextSegment(SegmentKind.Visible, decoded, [.. offsets])]);

        var finding = Assert.Single(RuleHarness.Run(new EmailRule(), field, Roster));

        Assert.Equal("jdoe&#64;students.kusd.edu", finding.Evidence);
    }

    [Fact]
    public void TheRosterIndexIsBuiltOncePerSnapshot()
    {
        Assert.Same(EmailRule.StudentAddressesOf(Roster), EmailRule.StudentAddressesOf(Roster));
        IReadOnlySet<string> addresses = EmailRule.StudentAddressesOf(Roster);
        Assert.Contains("kowalski.family@example.com", addresses);
        Assert.DoesNotContain("kmueller@kusd.edu", addresses);
    }

    [Fact]
    public async Task TheEngineRemovesAStudentAddressFromTheSanitizedField()
    {
        var options = new ModerationOptions();
        var engine = new ModerationEngine([new EmailRule()], new FixedRosterProvider(Roster), options);
        var request = new CheckRequest { Fields = [new ContentField("body", "Questions? Email ekowalski27@students.kusd.edu or kmueller@kusd.edu.")] };

        var verdict = await engine.CheckAsync(request);

        Assert.Equal(Decision.ApprovedWithChanges, verdict.Decision);
        Assert.Equal("Questions? kmueller@kusd.edu.", verdict.Sanitized.Fields["body"]);
    }

    [Theory]
    [InlineData(ContentFormat.Html, "<p>Write <a href=\"mailto:ekowalski27@students.kusd.edu?subject=Hi\">Emma</a> or ekowalski27&#64;students.kusd.edu.</p>", "<p>Write <a href=\"\">Emma</a> or.</p>")]
    [InlineData(ContentFormat.Html, "<p>Write <span class=\"a\">ekowalski27</span>@students.kusd.edu now</p>", "<p>Write <span class=\"a\"></span>now</p>")]
    [InlineData(ContentFormat.Markdown, "Photos to [Emma](mailto:ekowalski27@students.kusd.edu) by Friday.", "Photos to [Emma]() by Friday.")]
    public async Task TheEngineEmptiesMailtoLinksAndRemovesEncodedAddressesFromMarkup(ContentFormat format, string text, string sanitized)
    {
        var engine = new ModerationEngine([new EmailRule()], new FixedRosterProvider(Roster), new ModerationOptions());

        var verdict = await engine.CheckAsync(new CheckRequest { Fields = [new ContentField("body", text, format)] });

        Assert.Equal(Decision.ApprovedWithChanges, verdict.Decision);
        Assert.Equal(sanitized, verdict.Sanitized.Fields["body"]);
    }

    [Fact]
    public void TheDefaultTextRulesIncludeTheEmailRule()
    {
        Assert.Contains(DefaultRules.CreateTextRules(new ModerationOptions()), r => r is EmailRule);
    }
}

/// <summary>Builds parsed fields and runs one rule the way the engine does.</summary>
internal static class RuleHarness
{
    public static ParsedField Plain(string text, string name = "body") =>
        new(name, text, ContentFormat.PlainText, [TextSegment.Identity(SegmentKind.Visible, text)]);

    /// <summary>A field whose segments are verbatim slices of the original (no entities inside them).</summary>
    public static ParsedField Segments(string original, ContentFormat format, params (SegmentKind Kind, int Start, int End)[] slices) =>
        new("body", original, format, [.. slices.Select(s => TextSegment.Identity(s.Kind, original[s.Start..s.End], s.Start))]);

    public static List<Finding> Run(IContentRule rule, ParsedField field, RosterSnapshot? roster = null, ModerationOptions? options = null)
    {
        var request = new CheckRequest { Fields = [new ContentField(field.Name, field.Original, field.Format)] };
        var context = new CheckContext(request, [field], roster ?? RosterSnapshot.Empty, options ?? new ModerationOptions());
        var findings = new List<Finding>();
        var pending = rule.AnalyzeAsync(context, findings, CancellationToken.None);
        Assert.True(pending.IsCompletedSuccessfully);
        foreach (var f in findings)
        {
            Assert.NotNull(f.Span);
            Assert.Equal(field.Original[f.Span.Value.Start..f.Span.Value.End], f.Evidence);
        }

        return findings;
    }
}
