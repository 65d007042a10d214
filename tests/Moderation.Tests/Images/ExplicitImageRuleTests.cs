using Kusd.Moderation.Content;
using Kusd.Moderation.Images;
using Kusd.Moderation.Models.Explicit;

namespace Kusd.Moderation.Tests.Images;

public sealed class ExplicitImageRuleTests(ImageEngineFixture fixture) : IClassFixture<ImageEngineFixture>
{
    private static readonly FindingTarget Target = FindingTarget.Image("images[0]", "a.jpg");
    private static readonly ImageRegion Whole = new(0, 0, 10, 10);

    private ExplicitImageRule Rule => fixture.Images.Rules.OfType<ExplicitImageRule>().Single();

    [Fact]
    public async Task EveryBenignPackagePhotoPassesExplicitImage()
    {
        var request = new CheckRequest { Images = [.. Photos.All.Select((p, i) => new ContentImage($"images[{i}]", p, Photos.Read(p)))] };
        var engine = fixture.Engine(r => r is ExplicitImageRule);

        var verdict = await engine.CheckAsync(request);

        Assert.Empty(verdict.Findings.Where(f => f.RuleId == RuleIds.ExplicitImage).Select(f => $"{f.Target.Name}: {f.Message} {f.Confidence}"));
        Assert.StartsWith("nsfw_mobilenet_v2.onnx@", verdict.Models["explicit-image"], StringComparison.Ordinal);
    }

    [Fact]
    public void ClearPornographyIsAnError() =>
        Assert.Equal(Severity.Error, Rule.Judge(new ExplicitScores(0.01f, 0.02f, 0.03f, 0.92f, 0.02f), Target, Whole)?.Severity);

    [Fact]
    public void ExplicitDrawingsAreAnError() =>
        Assert.Equal(Severity.Error, Rule.Judge(new ExplicitScores(0.05f, 0.9f, 0.02f, 0.02f, 0.01f), Target, Whole)?.Severity);

    [Fact]
    public void AnUncertainPornScoreGoesToReview() =>
        Assert.Equal(Severity.Warning, Rule.Judge(new ExplicitScores(0.01f, 0.05f, 0.3f, 0.55f, 0.09f), Target, Whole)?.Severity);

    [Fact]
    public void ASuggestiveScoreAsHighAsClothedAdultsGetPasses() =>
        Assert.Null(Rule.Judge(new ExplicitScores(0.001f, 0.002f, 0.013f, 0.034f, 0.95f), Target, Whole));

    [Fact]
    public void AnExtremeSuggestiveScoreGoesToReviewButNeverRejects() =>
        Assert.Equal(Severity.Warning, Rule.Judge(new ExplicitScores(0f, 0f, 0.005f, 0.01f, 0.985f), Target, Whole)?.Severity);
}
