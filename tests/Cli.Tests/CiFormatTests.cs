using System.Text.Json.Nodes;
using Json.Schema;

namespace Kusd.Moderation.Cli.Tests;

/// <summary><c>--format sarif</c> and <c>--format github</c>: what CI reads.</summary>
public sealed class CiFormatTests : IDisposable
{
    private const string Roster = """
        id,role,givenName,familyName,preferredName,grade,mediaRestriction,emails
        S1001,student,Emma,Kowalski,,02,false,ekowalski27@students.kusd.edu
        S1002,student,Liam,Nowak,,04,true,
        """;

    private const string Post = "# Second grade news\n\nGreat work, Emma Kowalski!\n\nAnd again: Emma  Kowalski won.\n";

    private readonly FixtureFolder _folder = new();

    public CiFormatTests() => _folder.Write("roster.csv", Roster + "\n");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task SarifOutputIsValidAgainstTheSarif210Schema()
    {
        _folder.Write("posts/news day.md", Post);
        _folder.Write("posts/bad.md", new string('x', 20));

        var result = await _folder.RunAsync("check", "posts", "--roster", "roster.csv", "--format", "sarif", "--max-file-size", "10");

        Assert.Equal(ExitCodes.ToolError, result.ExitCode);
        var evaluation = LoadSchema().Evaluate(JsonNode.Parse(result.Stdout), new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        Assert.True(evaluation.IsValid, string.Join("\n", evaluation.Details.Where(d => d.HasErrors).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
    }

    [Fact]
    public async Task SarifResultsCarryRegionsRepositoryUrisAndFingerprintsThatIgnoreLineMoves()
    {
        _folder.Write("posts/news day.md", Post);

        var before = JsonNode.Parse((await _folder.RunAsync("check", "posts", "--roster", "roster.csv", "--format", "sarif")).Stdout)!;
        _folder.Write("posts/news day.md", "A new first paragraph.\n\n" + Post);
        var after = JsonNode.Parse((await _folder.RunAsync("check", "posts", "--roster", "roster.csv", "--format", "sarif")).Stdout)!;

        var run = before["runs"]![0]!;
        Assert.Equal("2.1.0", before["version"]!.GetValue<string>());
        Assert.Equal("utf16CodeUnits", run["columnKind"]!.GetValue<string>());
        Assert.Contains(run["tool"]!["driver"]!["rules"]!.AsArray(), r => r!["id"]!.GetValue<string>() == RuleIds.StudentNameElementary && r["help"]!["text"] is not null);
        var results = run["results"]!.AsArray();
        Assert.Equal(2, results.Count);
        var location = results[0]!["locations"]![0]!["physicalLocation"]!;
        Assert.Equal("posts/news%20day.md", location["artifactLocation"]!["uri"]!.GetValue<string>());
        Assert.Equal(3, location["region"]!["startLine"]!.GetValue<int>());
        Assert.Equal(13, location["region"]!["startColumn"]!.GetValue<int>());
        Assert.Equal(3, location["region"]!["endLine"]!.GetValue<int>());
        Assert.Equal(26, location["region"]!["endColumn"]!.GetValue<int>());
        Assert.DoesNotContain("Kowalski", before.ToJsonString(), StringComparison.Ordinal);

        var fingerprintsBefore = results.Select(r => r!["partialFingerprints"]!.ToJsonString()).ToList();
        var fingerprintsAfter = after["runs"]![0]!["results"]!.AsArray().Select(r => r!["partialFingerprints"]!.ToJsonString()).ToList();
        Assert.Equal(fingerprintsBefore, fingerprintsAfter);
        Assert.NotEqual(fingerprintsBefore[0], fingerprintsBefore[1]);
        Assert.Equal(5, after["runs"]![0]!["results"]![0]!["locations"]![0]!["physicalLocation"]!["region"]!["startLine"]!.GetValue<int>());
    }

    [Fact]
    public async Task GithubAnnotationsStopAtTenOfAKindAndSayHowManyMoreThereAre()
    {
        for (var i = 0; i < 12; i++)
        {
            _folder.Write($"posts/p{i:00}.md", "Hi\n\nGreat work, Emma Kowalski!\n");
        }

        var result = await _folder.RunAsync("check", "posts", "--roster", "roster.csv", "--format", "github", "--output", "annotations.txt");

        Assert.Equal(ExitCodes.Findings, result.ExitCode);
        Assert.Equal(string.Empty, result.Stdout);
        var lines = _folder.Read("annotations.txt").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(10, lines.Count(l => l.StartsWith("::error ", StringComparison.Ordinal)));
        Assert.Equal("::error file=posts/p00.md,line=3,endLine=3,col=13,endColumn=26,title=student-name/elementary::" , lines[0][..lines[0].IndexOf("::", 2, StringComparison.Ordinal)] + "::");
        Assert.StartsWith("::notice title=kusd-moderate::2 more findings", lines[^1], StringComparison.Ordinal);
    }

    private static JsonSchema LoadSchema()
    {
        // The SARIF schema is draft-04; its keywords mean the same in draft-07, which the validator reads.
        var text = File.ReadAllText(Path.Join(AppContext.BaseDirectory, "sarif-schema-2.1.0.json"))
            .Replace("http://json-schema.org/draft-04/schema#", "http://json-schema.org/draft-07/schema#", StringComparison.Ordinal);
        var node = JsonNode.Parse(text)!.AsObject();
        node.Remove("id");
        return JsonSchema.FromText(node.ToJsonString());
    }
}
