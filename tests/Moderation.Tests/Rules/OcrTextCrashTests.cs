using Kusd.Moderation.Content;
using Kusd.Moderation.Roster;
using Kusd.Moderation.Tests.Images;

namespace Kusd.Moderation.Tests.Rules;

/// <summary>
/// The image-text crash of issue 12: OCR often reads a lone letter ("S" on a sign, a shirt, a menu), and the name
/// tokenizer took a one-letter word ending in "s" for the possessive "'s" at index -1, so image-text failed with
/// ArgumentOutOfRangeException and the photo became check/unavailable.
/// </summary>
public sealed class OcrTextCrashTests(ImageEngineFixture fixture) : IClassFixture<ImageEngineFixture>
{
    [Fact]
    public async Task APhotoWhoseTextIsALoneLetterSIsCheckedNotUnavailable()
    {
        using var canvas = new TextCanvas(600, 300);
        canvas.Draw("S", "S", 80, 200, 120);
        canvas.Draw("Room S", "Room S", 260, 200, 48);
        var engine = fixture.Engine(_ => false, readText: true);

        var verdict = await engine.CheckAsync(new CheckRequest { Images = [new ContentImage("images[0]", "sign.png", canvas.Png())] });

        // Alone, the OCR stage is not an image checker, so the engine also says the images were not fully checked;
        // what must not be there is the OCR stage failing.
        var failures = verdict.Findings.Where(f => f.RuleId == RuleIds.CheckUnavailable && f.Message.Contains("failed", StringComparison.Ordinal)).ToList();
        Assert.True(failures.Count == 0, string.Join("; ", failures.Select(f => f.Message)));
        Assert.DoesNotContain(verdict.Findings, f => f.RuleId is RuleIds.StudentNameElementary or RuleIds.MediaRestrictionName);
    }
}
