using System.Text;
using BenchmarkDotNet.Attributes;
using Kusd.Moderation.Content;
using Kusd.Moderation.Roster;

namespace Kusd.Moderation.Benchmarks;

/// <summary>
/// The text check (every text rule) of a realistic 5 KB Markdown post as the roster grows. The roster and
/// its indexes are built in setup: the measurement is the per-post cost a CMS editor waits for.
/// </summary>
[MemoryDiagnoser]
public class TextCheckBenchmarks
{
    private ModerationEngine _engine = null!;
    private CheckRequest _request = null!;

    [Params(1_000, 10_000, 100_000)]
    public int RosterSize { get; set; }

    /// <summary>UTF-8 size of the post, for the MB/s column.</summary>
    public static int PostBytes { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        var roster = RosterGenerator.Generate(RosterSize);
        var options = new ModerationOptions();
        _engine = new ModerationEngine(DefaultRules.CreateTextRules(options), new FixedRosterProvider(new RosterSnapshot(roster)), options);
        var post = SamplePost.Build(roster);
        PostBytes = Encoding.UTF8.GetByteCount(post);
        _request = new CheckRequest { Fields = [new ContentField("body", post, ContentFormat.Markdown)] };

        // Indexes are built on first use; build them now so the first measured check is not charged for it.
        var verdict = _engine.CheckAsync(_request).GetAwaiter().GetResult();

        // In-process runs share one JIT: without this the first roster size measured is charged for tier-0
        // code still waiting for tier-1 (badly so on a loaded machine), which made 1k look slower than 100k.
        var warm = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 200 || warm.Elapsed < TimeSpan.FromSeconds(2); i++)
        {
            _engine.CheckAsync(_request).GetAwaiter().GetResult();
        }

        if (verdict.Findings.Any(f => f.RuleId == RuleIds.CheckUnavailable))
        {
            throw new InvalidOperationException("A checker failed on the benchmark post: " + string.Join("; ", verdict.Findings.Select(f => f.Message)));
        }
    }

    [Benchmark]
    public Verdict TextCheck() => _engine.CheckAsync(_request).GetAwaiter().GetResult();
}

/// <summary>A school newsletter in Markdown (about 5 KB) with a few roster names, a student address and links.</summary>
internal static class SamplePost
{
    public static string Build(Roster.Roster roster)
    {
        var elementary = roster.People.Where(p => p.IsElementaryStudent && !p.MediaRestriction).Skip(roster.People.Count / 20).First();
        var secondary = roster.People.First(p => p.IsStudent && !p.IsElementaryStudent && !p.MediaRestriction);
        var restricted = roster.People.First(p => p.IsStudent && p.MediaRestriction);
        var staff = roster.People.FirstOrDefault(p => p.Role == PersonRole.Staff);
        var text = new StringBuilder();
        text.Append(CultureInfoFree($"""
            # Lincoln Elementary Family Newsletter

            ## From the Principal

            Dear families, what a month it has been! Our students have been busy with science fair projects, the fall book fair,
            and our first all-school assembly of the year. Thank you to {staff?.GivenName} {staff?.FamilyName} and the PTA volunteers
            who made the assembly possible. Please remember that arrival begins at 7:40 a.m. and that the Sheridan Road entrance
            is for buses only between 7:30 and 8:00.

            ## Classroom Highlights

            - **Kindergarten** counted to 100 and celebrated with a snack of 100 small treats.
            - **First grade** planted a pollinator garden and found a monarch caterpillar on the milkweed.
            - **Second grade** star reader of the month is {elementary.GivenName} {elementary.FamilyName}, who read more than 900 minutes at home.
            - **Third grade** built bridges out of craft sticks and tested them with pennies until they broke.
            - **Fourth grade** wrote letters to veterans for the Veterans Day assembly on November 11.
            - **Fifth grade** returned from camp with stories about orienteering, pond study and the night hike.

            ## Middle School Buddies

            Our reading buddies from Lincoln Middle School visit every other Friday. This month {secondary.GivenName} {secondary.FamilyName}
            led a read-aloud of a picture book about the Great Lakes, and the younger students asked wonderful questions about
            shipwrecks, lighthouses and why the lake freezes near the shore but not in the middle.

            ## Spelling Bee

            Congratulations to all of our spelling bee participants. Special thanks to {restricted.GivenName} {restricted.FamilyName[..1]}. for
            helping set up the stage. The district bee will be held at the Kenosha Public Museum in February.

            ## PTA Corner

            The PTA meets on the second Tuesday of each month at 6:30 p.m. in the library. Child care is provided. This year the PTA
            is raising money for new playground equipment and classroom headphones. Questions about volunteering can go to the
            student council secretary at {secondary.Emails[0]} or to the main office at 262-359-4010.

            ## Health Office

            Flu shot clinic: Thursday, 3-6 p.m. in the nurse's office. Please make sure your child's immunization records are up
            to date. Students with a fever over 100.4 should stay home for 24 hours. Medication forms are due by September 15.

            ## Lunch and Breakfast

            Breakfast is free for every student. The lunch menu is posted on the district website at https://www.kusd.edu/nutrition
            and in the parent portal. This month features a build-your-own taco bar, turkey subs, chicken Alfredo and cheese pizza.

            ## Upcoming Dates

            | Date | Event |
            |---|---|
            | Nov 7 | Report cards available in the parent portal |
            | Nov 11 | Veterans Day assembly, 9:00 a.m. |
            | Nov 26-28 | Thanksgiving break, no school |
            | Dec 3 | Picture retakes |
            | Dec 11 | Winter concert, 7:00 p.m. |

            ## Community

            The Kenosha Public Library has free homework help on weekday afternoons, and the YMCA offers swim lessons for all ages.
            Order fall fundraiser flowers on the boosters' page at https://lincolnboosters.wordpress.com/flowers before November 10.
            Red Ribbon Week is October 23-31: celebrate living drug-free with a different dress-up day each day.

            """));
        while (Encoding.UTF8.GetByteCount(text.ToString()) < 5_000)
        {
            text.Append("\nThank you for partnering with us in your child's education. We are proud of every student at Lincoln.\n");
        }

        return text.ToString();
    }

    private static string CultureInfoFree(FormattableString text) => FormattableString.Invariant(text);
}

/// <summary>Mean milliseconds per checker for the benchmark post, from the timings every verdict carries.</summary>
internal static class RuleTimings
{
    public static void Print(TextWriter output)
    {
        foreach (var size in new[] { 1_000, 10_000, 100_000 })
        {
            var benchmark = new TextCheckBenchmarks { RosterSize = size };
            benchmark.Setup();
            var totals = new Dictionary<string, double>(StringComparer.Ordinal);
            const int runs = 30;
            for (var i = 0; i < runs; i++)
            {
                foreach (var (name, ms) in benchmark.TextCheck().Timings)
                {
                    totals[name] = totals.GetValueOrDefault(name) + ms;
                }
            }

            output.WriteLine(FormattableString.Invariant(
                $"roster {size,7:N0}: {string.Join(", ", totals.OrderByDescending(t => t.Value).Select(t => $"{t.Key} {t.Value / runs:0.00} ms"))}"));
        }

        LargeDocument(output);
    }

    /// <summary>
    /// One 5 MB Markdown file (a year of newsletters in one archive page: the sample post a thousand times),
    /// roster of 10,000: MB/s of the whole check and where the time goes. Per byte it should cost what the
    /// 5 KB post costs; if not, something is worse than linear.
    /// </summary>
    private static void LargeDocument(TextWriter output)
    {
        var roster = RosterGenerator.Generate(10_000);
        var options = new ModerationOptions { MaxFieldLength = 20_000_000 };
        var engine = new ModerationEngine(DefaultRules.CreateTextRules(options), new FixedRosterProvider(new RosterSnapshot(roster)), options);
        var post = SamplePost.Build(roster);
        var archive = string.Concat(Enumerable.Repeat(post, 5_000_000 / post.Length));
        var small = new CheckRequest { Fields = [new ContentField("body", post, ContentFormat.Markdown)] };
        var large = new CheckRequest { Fields = [new ContentField("body", archive, ContentFormat.Markdown)] };
        engine.CheckAsync(small).GetAwaiter().GetResult();
        engine.CheckAsync(large).GetAwaiter().GetResult();
        foreach (var (name, request, bytes) in new[] { ("5 KB post", small, Encoding.UTF8.GetByteCount(post)), ("5 MB archive", large, Encoding.UTF8.GetByteCount(archive)) })
        {
            var runs = name == "5 KB post" ? 200 : 3;
            var totals = new Dictionary<string, double>(StringComparer.Ordinal);
            var watch = System.Diagnostics.Stopwatch.StartNew();
            for (var i = 0; i < runs; i++)
            {
                foreach (var (rule, ms) in engine.CheckAsync(request).GetAwaiter().GetResult().Timings)
                {
                    totals[rule] = totals.GetValueOrDefault(rule) + ms;
                }
            }

            var seconds = watch.Elapsed.TotalSeconds / runs;
            output.WriteLine(FormattableString.Invariant(
                $"{name,-12} ({bytes / 1e6:0.000} MB): {bytes / 1e6 / seconds:0.00} MB/s; {string.Join(", ", totals.OrderByDescending(t => t.Value).Select(t => $"{t.Key} {t.Value / runs:0.0} ms"))}"));
        }
    }
}
