using Kusd.Moderation.Content;
using Kusd.Moderation.Roster;
using Kusd.Moderation.Rules;

namespace Kusd.Moderation.Tests.Rules;

public sealed class NameRulesTests
{
    internal const string RosterCsvText =
        "id,role,givenName,familyName,preferredName,grade,mediaRestriction,emails\n" +
        "S1001,student,Emma,Kowalski,Em,02,false,\n" +
        "S1002,student,Liam,Nowak,,04,true,\n" +
        "S1003,student,Olivia,O'Brien,Liv,KG,false,\n" +
        "S1004,student,Mateo,Garcia-Lopez,,05,false,\n" +
        "S1005,student,Ava,Schmidt,,11,false,\n" +
        "S1006,student,Noah,Williams,,4K,true,\n" +
        "S1007,student,José,Muñoz,,03,false,\n" +
        "S1008,student,Sam,Taylor,,02,false,\n" +
        "S1009,student,Ava,Anders,,03,true,\n" +
        "S1010,student,Grace,Lindqvist,,09,true,\n" +
        "S1011,student,Abigail,St. James,Abby,02,false,\n" +
        "S1012,student,Olive,Green,,03,true,\n" +
        "T2001,staff,Karen,Mueller,,,false,\n" +
        "T2002,staff,Daniel,Nowak,,,false,\n" +
        "T2003,staff,Sam,Taylor,,,false,\n";

    private static readonly RosterSnapshot Snapshot = new(LoadRoster());

    internal static Kusd.Moderation.Roster.Roster LoadRoster()
    {
        var result = RosterCsv.Parse(new StringReader(RosterCsvText), new ModerationOptions());
        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
        return result.Roster!;
    }

    private static Task<Verdict> CheckAsync(string text, params IContentRule[] rules) =>
        new ModerationEngine(rules.Length > 0 ? rules : [new StudentNameRule(), new MediaRestrictionNameRule()], new FixedRosterProvider(Snapshot), new ModerationOptions())
            .CheckAsync(new CheckRequest { Fields = [new ContentField("body", text)] });

    [Theory]
    [InlineData("Congrats to Emma Kowalski!", "Emma Kowalski", "Congrats to Emma K.!")]
    [InlineData("congrats to emma kowalski", "emma kowalski", "congrats to emma K.")]
    [InlineData("CONGRATS TO EMMA KOWALSKI", "EMMA KOWALSKI", "CONGRATS TO EMMA K.")]
    [InlineData("Em Kowalski read a poem.", "Em Kowalski", "Em K. read a poem.")]
    [InlineData("Emma Rose Kowalski read a poem.", "Emma Rose Kowalski", "Emma K. read a poem.")]
    [InlineData("Emma R. Kowalski read a poem.", "Emma R. Kowalski", "Emma K. read a poem.")]
    [InlineData("Winner: Kowalski, Emma (grade 2)", "Kowalski, Emma", "Winner: Emma K. (grade 2)")]
    [InlineData("Class list:\nKowalski Emma\n", "Kowalski Emma", "Class list:\nEmma K.\n")]
    [InlineData("Class list:\nSt. James Abigail\n", "St. James Abigail", "Class list:\nAbigail S.\n")]
    [InlineData("Emma Kowalski's drawing won.", "Emma Kowalski", "Emma K.'s drawing won.")]
    [InlineData("Emma Kowalski\u2019s drawing won.", "Emma Kowalski", "Emma K.\u2019s drawing won.")]
    [InlineData("Olivia O'Brien sang.", "Olivia O'Brien", "Olivia O. sang.")]
    [InlineData("Olivia O\u2019Brien sang.", "Olivia O\u2019Brien", "Olivia O. sang.")]
    [InlineData("Olivia OBrien sang.", "Olivia OBrien", "Olivia O. sang.")]
    [InlineData("Liv O'Brien's song", "Liv O'Brien", "Liv O.'s song")]
    [InlineData("Mateo Garcia-Lopez scored.", "Mateo Garcia-Lopez", "Mateo G. scored.")]
    [InlineData("Mateo Garcia Lopez scored.", "Mateo Garcia Lopez", "Mateo G. scored.")]
    [InlineData("José Muñoz helped.", "José Muñoz", "José M. helped.")]
    [InlineData("Jose Munoz helped.", "Jose Munoz", "Jose M. helped.")]
    [InlineData("Emma\nKowalski", "Emma\nKowalski", "Emma\nK.")]
    [InlineData("Emma\n\nKowalski", "Emma\n\nKowalski", "Emma\n\nK.")]
    [InlineData("Abby St. James read a poem.", "Abby St. James", "Abby S. read a poem.")]
    [InlineData("Abby St James read a poem.", "Abby St James", "Abby S. read a poem.")]
    public async Task ElementaryFullNameIsShortenedToInitial(string text, string evidence, string fixedText)
    {
        var verdict = await CheckAsync(text, new StudentNameRule());

        var finding = Assert.Single(verdict.Findings);
        Assert.Equal(RuleIds.StudentNameElementary, finding.RuleId);
        Assert.Equal(Severity.Error, finding.Severity);
        Assert.Equal(PolicyRefs.PersonallyIdentifiable, finding.Policy);
        Assert.Equal(evidence, finding.Evidence);
        Assert.Equal(evidence, text[finding.Span!.Value.Start..finding.Span.Value.End]);
        Assert.Equal(fixedText, ModerationEngine.ApplyFixes(text, verdict.Findings));
        Assert.Equal(fixedText, verdict.Sanitized.Fields["body"]);
        Assert.Equal(Decision.ApprovedWithChanges, verdict.Decision);
    }

    [Theory]
    [InlineData("Emma K. read a poem.")]
    [InlineData("Emma K read a poem.")]
    [InlineData("Mrs. Kowalski read a poem.")]
    [InlineData("Kowalski read a poem.")]
    [InlineData("Emma read a poem.")]
    [InlineData("Ava Schmidt won the state debate.")]
    [InlineData("Sam Taylor coached the team.")]
    [InlineData("Karen Mueller teaches second grade.")]
    [InlineData("Coach Emma Kowalski ran the clinic.")]
    [InlineData("Emma and Kowalski are two words here.")]
    [InlineData("Emma. Kowalski is a town.")]
    [InlineData("Emma's Kowalski sausage")]
    public async Task AllowedNameFormsAreNotFlaggedAsElementaryNames(string text)
    {
        var verdict = await CheckAsync(text, new StudentNameRule());

        Assert.DoesNotContain(verdict.Findings, f => f.RuleId == RuleIds.StudentNameElementary);
    }

    [Theory]
    [InlineData("Liam Nowak ran fast.", "Liam Nowak")]
    [InlineData("Liam N. ran fast.", "Liam N.")]
    [InlineData("Liam N ran fast.", "Liam N")]
    [InlineData("Nowak, Liam ran fast.", "Nowak, Liam")]
    [InlineData("Liam James Nowak ran fast.", "Liam James Nowak")]
    [InlineData("Liam Nowak's team ran fast.", "Liam Nowak")]
    [InlineData("LIAM NOWAK ran fast.", "LIAM NOWAK")]
    [InlineData("Grace Lindqvist won the state final.", "Grace Lindqvist")]
    [InlineData("Grace L. won the state final.", "Grace L.")]
    [InlineData("Olive Green painted the mural.", "Olive Green")]
    [InlineData("congrats liam nowak", "liam nowak")]
    [InlineData("Liam \uFFFD Nowak ran fast.", "Liam \uFFFD Nowak")]
    [InlineData("Liam\uFFFDNowak ran fast.", "Liam\uFFFDNowak")]
    [InlineData("Liam\u0000Nowak ran fast.", "Liam\u0000Nowak")]
    [InlineData("Liam\u0001Nowak ran fast.", "Liam\u0001Nowak")]
    public async Task RestrictedStudentIsFlaggedInEveryNameFormWithoutFix(string text, string evidence)
    {
        text = System.Text.RegularExpressions.Regex.Unescape(text);
        evidence = System.Text.RegularExpressions.Regex.Unescape(evidence);
        var verdict = await CheckAsync(text, new MediaRestrictionNameRule());

        var finding = Assert.Single(verdict.Findings);
        Assert.Equal(RuleIds.MediaRestrictionName, finding.RuleId);
        Assert.Equal(Severity.Error, finding.Severity);
        Assert.Equal(PolicyRefs.MediaRestriction, finding.Policy);
        Assert.Null(finding.Fix);
        Assert.Equal(evidence, finding.Evidence);
        Assert.Equal(Decision.Rejected, verdict.Decision);
    }

    [Theory]
    [InlineData("Mr. Nowak led the assembly.")]
    [InlineData("Daniel Nowak led the assembly.")]
    [InlineData("Nowak led the assembly.")]
    [InlineData("Liam led the assembly.")]
    [InlineData("We gave Ava a ribbon.")]
    [InlineData("Mr. Liam Nowak led the assembly.")]
    [InlineData("Liam Nowicki led the assembly.")]
    [InlineData("We mixed olive green paint for the mural.")]
    public async Task StaffAndPartialNamesAreNotRestrictedStudents(string text)
    {
        var verdict = await CheckAsync(text, new MediaRestrictionNameRule());

        Assert.Empty(verdict.Findings);
        Assert.Equal(Decision.Approved, verdict.Decision);
    }

    [Fact]
    public async Task ARestrictedElementaryStudentGetsOnlyTheMediaRestrictionFindingWithNoShortenedForm()
    {
        var text = "Liam Nowak won the race.";
        var verdict = await CheckAsync(text);

        var finding = Assert.Single(verdict.Findings);
        Assert.Equal(RuleIds.MediaRestrictionName, finding.RuleId);
        Assert.Null(finding.Fix);
        Assert.Equal(text, verdict.Sanitized.Fields["body"]);
        Assert.Equal(Decision.Rejected, verdict.Decision);
    }

    [Theory]
    [InlineData("Kindergartner Olivia Bennett won the spelling bee.", "Olivia Bennett", "Olivia B.")]
    [InlineData("Our 2nd grader Mason Clark read a poem.", "Mason Clark", "Mason C.")]
    [InlineData("Our first-grader Ava Lopez read a poem.", "Ava Lopez", "Ava L.")]
    [InlineData("Mason Clark, a fourth grader, read a poem.", "Mason Clark", "Mason C.")]
    [InlineData("Fifth grade artist of the month: Harper Quinlan's collage", "Harper Quinlan", "Harper Q.")]
    [InlineData("Our pre-K class welcomed Mary Ann Hughes today.", "Mary Ann Hughes", "Mary H.")]
    public async Task UnrosteredChildNearAnElementaryCueIsAWarningWithTheSameFix(string text, string evidence, string replacement)
    {
        var verdict = await CheckAsync(text, new StudentNameRule());

        var finding = Assert.Single(verdict.Findings);
        Assert.Equal(RuleIds.StudentNameElementary, finding.RuleId);
        Assert.Equal(Severity.Warning, finding.Severity);
        Assert.Equal(evidence, finding.Evidence);
        Assert.Equal(replacement, finding.Fix!.Replacement);
    }

    [Fact]
    public async Task EveryUnrosteredChildOfAClassListIsFound()
    {
        var verdict = await CheckAsync("Ms. Lee's 3rd grade class: Sophia Turner and Liam Park", new StudentNameRule());

        Assert.Equal(["Sophia Turner", "Liam Park"], verdict.Findings.Select(f => f.Evidence));
        Assert.All(verdict.Findings, f => Assert.Equal(Severity.Warning, f.Severity));
        Assert.Equal("Ms. Lee's 3rd grade class: Sophia T. and Liam P.", verdict.Sanitized.Fields["body"]);
    }

    [Theory]
    [InlineData("Principal Dan Ortiz welcomed our kindergartners.")]
    [InlineData("Kindergarten teacher Mrs. Karen Lund welcomed families.")]
    [InlineData("Kindergarten teacher Karen Lund welcomed families.")]
    [InlineData("Karen Lund, our kindergarten teacher, welcomed families.")]
    [InlineData("Kindergarten round-up is at Lincoln Elementary on Monday.")]
    [InlineData("Grace Hopper Academy first graders visited the zoo.")]
    [InlineData("Kindergartner Olivia B. won the spelling bee.")]
    [InlineData("Olivia Bennett won the spelling bee.")]
    [InlineData("First Grade Field Day is on Friday.")]
    [InlineData("Kindergartner Olivia Wins Spelling Bee")]
    [InlineData("Second graders read Charlotte's Web with Ms. Lee.")]
    [InlineData("Fourth graders met author Kate DiCamillo.")]
    [InlineData("Kindergartners visited Washington Park today.")]
    [InlineData("In art class our 4th graders studied Frida Kahlo and Diego Rivera.")]
    public async Task StaffPlacesAndShortenedNamesNearCuesAreNotFlagged(string text)
    {
        var verdict = await CheckAsync(text, new StudentNameRule());

        Assert.Empty(verdict.Findings);
    }

    [Fact]
    public async Task DefaultRulesApproveWithChangesAndShortenTheName()
    {
        var engine = new ModerationEngine(DefaultRules.CreateTextRules(new ModerationOptions()), new FixedRosterProvider(Snapshot), new ModerationOptions());

        var verdict = await engine.CheckAsync(new CheckRequest { Fields = [new ContentField("body", "Congratulations to Emma Kowalski on her science project.")] });

        Assert.Equal(Decision.ApprovedWithChanges, verdict.Decision);
        Assert.Equal("Congratulations to Emma K. on her science project.", verdict.Sanitized.Fields["body"]);
        var finding = Assert.Single(verdict.Findings);
        Assert.Equal(new TextSpan(19, 32), finding.Span);
        Assert.Equal("Emma K.", finding.Fix!.Replacement);
    }

    [Theory]
    [InlineData("<p>Congratulations to <b>Emma Kowalski</b>!</p>", "Emma Kowalski", "<p>Congratulations to <b>Emma K.</b>!</p>")]
    [InlineData("<p>Author of the week: Emma<br>\nKowalski!</p>", "Emma<br>\nKowalski", "<p>Author of the week: Emma<br>\nK.!</p>")]
    [InlineData("<p>Champion: <strong>Emma</strong> Kowalski</p>", "Emma</strong> Kowalski", "<p>Champion: <strong>Emma</strong> K.</p>")]
    [InlineData("<p><b>Emma</b> <i>Rose</i> Kowalski</p>", "Emma</b> <i>Rose</i> Kowalski", "<p><b>Emma</b><i></i> K.</p>")]
    [InlineData("<p><b>Kowalski</b>, Emma</p>", "Kowalski</b>, Emma", "<p><b>Emma K.</b></p>")]
    [InlineData("<p>Thanks, <em>Olivia O&#39;Brien</em></p>", "Olivia O&#39;Brien", "<p>Thanks, <em>Olivia O.</em></p>")]
    [InlineData("<p>Go Mateo&nbsp;Garcia-Lopez!</p>", "Mateo&nbsp;Garcia-Lopez", "<p>Go Mateo&nbsp;G.!</p>")]
    public async Task NamesInHtmlAreFoundAndFixedInTheSubmittedMarkup(string html, string evidence, string fixedHtml)
    {
        var engine = new ModerationEngine([new StudentNameRule()], new FixedRosterProvider(Snapshot), new ModerationOptions());

        var verdict = await engine.CheckAsync(new CheckRequest { Fields = [new ContentField("body", html, ContentFormat.Html)] });

        var finding = Assert.Single(verdict.Findings);
        Assert.Equal(evidence, finding.Evidence);
        Assert.Equal(fixedHtml, verdict.Sanitized.Fields["body"]);
    }
}
