using Kusd.Moderation.Content;
using Kusd.Moderation.Roster;
using Kusd.Moderation.Rules;
using Kusd.Moderation.Text;

namespace Kusd.Moderation.Tests.Rules;

public sealed class FerpaRuleTests
{
    private static readonly RosterSnapshot Roster = new(new Kusd.Moderation.Roster.Roster(
    [
        new Person { Id = "S1", GivenName = "Noah", FamilyName = "Lindqvist", Grade = new Grade(3) },
        new Person { Id = "S2", GivenName = "Emma", FamilyName = "Kowalski", Grade = new Grade(2) },
        new Person { Id = "T1", Role = PersonRole.Staff, GivenName = "Karen", FamilyName = "Mueller" },
    ]));

    [Theory]
    [InlineData("Lost: a calculator marked Student ID 3301928, bring it to the office.", "3301928")]
    [InlineData("Cleared to play: Marcus Bell (ID#: 20231234).", "20231234")]
    [InlineData("Please write your student number 556781 on the form.", "556781")]
    [InlineData("Tutoring pass for Dana Whitfield, 4410293, valid all week.", "4410293")]
    [InlineData("Noah's IEP review is on Monday.", "IEP")]
    [InlineData("Students on IEPs in Room 12 will test in the library.", "Students on IEPs in Room 12")]
    [InlineData("Jordan Pike takes the quiz with extra time under his 504 plan.", "504 plan")]
    [InlineData("Sam Ortiz receives special education services for math.", "receives special education services")]
    [InlineData("Riley Chen has a learning disability and reads with a tutor.", "learning disability")]
    [InlineData("Maya Brooks is diabetic, so she keeps juice in her desk.", "diabetic")]
    [InlineData("Reminder: Leo Park has a severe tree nut allergy.", "severe tree nut allergy")]
    [InlineData("Get well wishes to Ava Stone, who was hospitalized after a seizure on Tuesday.", "hospitalized")]
    [InlineData("Ben Cole takes seizure medication at noon.", "seizure medication")]
    [InlineData("After the fight, Tyler Grant was suspended for two days.", "suspended")]
    [InlineData("Ian Moss has detention every day this week.", "detention")]
    [InlineData("Reminder: Cole B. is on an attendance improvement plan after 12 unexcused absences.", "attendance improvement plan")]
    [InlineData("Emma got a D in reading this quarter.", "D in reading")]
    [InlineData("Chris Dunn has a GPA 2.1 and is failing math.", "GPA 2.1")]
    [InlineData("Kiara Holt finishes with a 3.9 GPA.", "3.9 GPA")]
    [InlineData("Omar Reed scored 1450 on the SAT in March.", "1450 on the SAT")]
    [InlineData("The Lindqvist family lives at 4521 Oak Avenue, Apt 2 now.", "4521 Oak Avenue, Apt 2")]
    [InlineData("Drop the cards at the Harper home, 812 Maple St.", "812 Maple St")]
    public void ConfidentialInformationAboutAStudentIsFound(string text, string expected)
    {
        var findings = RuleHarness.Run(new FerpaRule(), RuleHarness.Plain(text), Roster);

        Assert.NotEmpty(findings);
        Assert.All(findings, f =>
        {
            Assert.Equal(RuleIds.FerpaConfidential, f.RuleId);
            Assert.Equal(Severity.Error, f.Severity);
            Assert.Equal(PolicyRefs.Confidential, f.Policy);
            Assert.Null(f.Fix);
        });
        Assert.Contains(findings, f => f.Evidence!.Contains(expected, StringComparison.Ordinal) || expected.Contains(f.Evidence!, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Call the main office at 262-359-6300 or fax 262.359.6301.")]
    [InlineData("The class of 2026 raised $125,000 for the 2025-26 year.")]
    [InlineData("Mail forms to PO Box 340, Kenosha, WI 53141-0340.")]
    [InlineData("Room 214 and Room 1180 are open; Bus 17 leaves at 3:05.")]
    [InlineData("Our team scored 1380 points this season, a school record.")]
    [InlineData("Jacob Nowicki scored 24 points and grabbed 11 rebounds.")]
    [InlineData("Congratulations to our 3rd grade class on the science fair! Grade 3 families, join us.")]
    [InlineData("Report cards for grades 6-8 go home November 7.")]
    [InlineData("IEP meetings and 504 plan reviews will be scheduled by your child's case manager.")]
    [InlineData("Meet Mrs. Torres, our new special education teacher, at the Special Education Department open house.")]
    [InlineData("Position: Special Education Paraprofessional at Lincoln Elementary.")]
    [InlineData("Students with a fever over 100.4 should stay home. Allergy action plans and medication forms are due Friday.")]
    [InlineData("Thanks to Nurse Jenny Olson for the asthma awareness assembly.")]
    [InlineData("Ms. Lee is recovering from surgery and will be back Monday.")]
    [InlineData("The game was suspended because of lightning; Jacob Nowicki had scored twice.")]
    [InlineData("In science, Ava Stone built a model suspension bridge.")]
    [InlineData("Winter Concert at Lincoln Middle School Auditorium, 6729 18th Avenue, 7 p.m.")]
    [InlineData("Bradford High School, 3700 Washington Road, Kenosha, WI 53144")]
    [InlineData("Family Fun Night at Jefferson Elementary, 1832 43rd St. Bring the kids!")]
    [InlineData("Our average ACT composite rose to 21.4 and 87% of seniors graduated on time.")]
    [InlineData("Student IDs are required to ride the bus starting in January.")]
    [InlineData("Madison Clark won the state title in the 200 free with a 1:52.31.")]
    [InlineData("Order code EVTXP7Q9 gives 10% off; picture day is 10/2.")]
    [InlineData("October is Breast Cancer Awareness Month; the volleyball team's Dig Pink game raises money.")]
    [InlineData("Kevin Yang won the Diabetes Awareness poster contest for his school.")]
    [InlineData("Pancake breakfast at Tenuta's, 2995 Sheridan Rd. All are welcome.")]
    public void ProgramsStaffSchoolAddressesAndAggregatesAreNotReported(string text)
    {
        Assert.Empty(RuleHarness.Run(new FerpaRule(), RuleHarness.Plain(text), Roster));
    }

    [Fact]
    public void AnIdColumnOfATableIsFoundNextToItsNames()
    {
        // One segment per cell, as the HTML parser gives them.
        const string html = "<table><tr><th>Student</th><th>Student ID</th></tr><tr><td>Priya Shah</td><td>2039981</td></tr></table>";
        var slices = new[] { "Student", "Student ID", "Priya Shah", "2039981" }
            .Select(v => (SegmentKind.Visible, html.IndexOf(">" + v + "<", StringComparison.Ordinal) + 1, html.IndexOf(">" + v + "<", StringComparison.Ordinal) + 1 + v.Length))
            .ToArray();
        var field = RuleHarness.Segments(html, ContentFormat.Html, slices);

        var finding = Assert.Single(RuleHarness.Run(new FerpaRule(), field, Roster));

        Assert.Equal("2039981", finding.Evidence);
    }

    [Fact]
    public void ANameInAnotherParagraphDoesNotMakeAHealthTermPersonal()
    {
        const string text = "Congratulations to Jordan Pike on the spelling bee!\nAllergy action plans are due Friday; the nurse keeps inhalers in the office.";

        Assert.Empty(RuleHarness.Run(new FerpaRule(), RuleHarness.Plain(text), Roster));
    }

    [Fact]
    public void NeighbouringTermsOfOneStatementAreOneFinding()
    {
        var finding = Assert.Single(RuleHarness.Run(new FerpaRule(), RuleHarness.Plain("Isaac Hale takes ADHD medication at lunch."), Roster));

        Assert.Equal("ADHD medication", finding.Evidence);
    }

    [Fact]
    public async Task TheEngineFindsIdsInAnHtmlTableAndRejectsThePost()
    {
        const string html = "<table><tr><th>Student</th><th>Student ID</th></tr><tr><td>Priya Shah</td><td>2039981</td></tr><tr><td>Gabriel Dubois</td><td>2028876</td></tr></table>";
        var engine = new ModerationEngine([new FerpaRule()], new FixedRosterProvider(Roster), new ModerationOptions());

        var verdict = await engine.CheckAsync(new CheckRequest { Fields = [new ContentField("body", html, ContentFormat.Html)] });

        Assert.Equal(Decision.Rejected, verdict.Decision);
        Assert.Equal(["2039981", "2028876"], verdict.Findings.Select(f => f.Evidence));
    }

    [Theory]
    [InlineData("Welcome to our newest kindergartner, Maya Lopez, born March 3, 2019!", "born March 3, 2019")]
    [InlineData("Maya Lopez was born on 03/14/2019 and loves dinosaurs.", "born on 03/14/2019")]
    [InlineData("Registration form: date of birth 2019-03-14", "date of birth 2019-03-14")]
    public void ABirthDateNextToAStudentIsConfidential(string text, string evidence)
    {
        var finding = Assert.Single(RuleHarness.Run(new FerpaRule(), RuleHarness.Plain(text), Roster));

        Assert.Equal(evidence, finding.Evidence);
        Assert.Contains("date of birth", finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Dr. Seuss was born March 2, 1904, so we read all week.")]
    [InlineData("Abraham Lincoln was born February 12, 1809.")]
    [InlineData("The baby goats were born in March at the farm.")]
    public void BirthDatesOfFamousPeopleAndAnimalsAreNotStudentInformation(string text)
    {
        Assert.Empty(RuleHarness.Run(new FerpaRule(), RuleHarness.Plain(text), Roster));
    }

    [Fact]
    public void TheDefaultTextRulesIncludeTheFerpaRule()
    {
        Assert.Contains(DefaultRules.CreateTextRules(new ModerationOptions()), r => r is FerpaRule);
    }
}
