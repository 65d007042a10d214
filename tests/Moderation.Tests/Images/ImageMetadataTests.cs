using Kusd.Moderation.Content;
using Kusd.Moderation.Images;
using Kusd.Moderation.Roster;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.Metadata.Profiles.Iptc;
using SixLabors.ImageSharp.PixelFormats;

namespace Kusd.Moderation.Tests.Images;

public sealed class ImageMetadataTests(ImageEngineFixture fixture) : IClassFixture<ImageEngineFixture>
{
    private ModerationEngine Engine() =>
        fixture.Engine(r => r is ImageMetadataRule);

    // A real photo with GPS (Kenosha, 42.58 N 87.82 W), a photographer's copyright and an IPTC credit, as a phone and an editor write them.
    private static byte[] TaggedJpeg(string copyright)
    {
        using var image = Image.Load<Rgb24>(Photos.Read("grace_hopper_512x512.jpg"));
        var exif = new ExifProfile();
        exif.SetValue(ExifTag.GPSLatitudeRef, "N");
        exif.SetValue(ExifTag.GPSLatitude, [new Rational(42, 1), new Rational(35, 1), new Rational(1234, 100)]);
        exif.SetValue(ExifTag.GPSLongitudeRef, "W");
        exif.SetValue(ExifTag.GPSLongitude, [new Rational(87, 1), new Rational(49, 1), new Rational(3000, 100)]);
        exif.SetValue(ExifTag.Copyright, copyright);
        exif.SetValue(ExifTag.Make, "PhoneMaker");
        image.Metadata.ExifProfile = exif;
        var iptc = new IptcProfile();
        iptc.SetValue(IptcTag.City, "Kenosha");
        image.Metadata.IptcProfile = iptc;
        using var stream = new MemoryStream();
        image.SaveAsJpeg(stream);
        return stream.ToArray();
    }

    [Fact]
    public async Task AJpegWithGpsExifYieldsALocationNoteAndItsSanitizedCopyHasNoMetadataAtAll()
    {
        var request = new CheckRequest
        {
            Images = [new ContentImage("images[0]", "trip.jpg", TaggedJpeg("(c) 2024 Jane Doe Photography"))],
            ReturnSanitizedImages = true,
        };

        var verdict = await Engine().CheckAsync(request);

        var location = Assert.Single(verdict.Findings, f => f.RuleId == RuleIds.ImageLocation);
        Assert.Equal(Severity.Note, location.Severity);
        Assert.DoesNotContain("42", location.Evidence ?? string.Empty, StringComparison.Ordinal);
        Assert.Contains("EXIF GPSLatitude", location.Evidence, StringComparison.Ordinal);
        var copyright = Assert.Single(verdict.Findings, f => f.RuleId == RuleIds.CopyrightNotice);
        Assert.Equal(Severity.Warning, copyright.Severity);
        Assert.Equal("(c) 2024 Jane Doe Photography", copyright.Evidence);

        var sanitized = Assert.Single(verdict.Sanitized.Images);
        Assert.Equal("image/jpeg", sanitized.ContentType);
        var info = Image.Identify(sanitized.Data!);
        Assert.Null(info.Metadata.ExifProfile);
        Assert.Null(info.Metadata.IptcProfile);
        Assert.Null(info.Metadata.XmpProfile);
        Assert.Null(info.Metadata.IccProfile);
        var bytes = sanitized.Data!;
        Assert.Equal(-1, bytes.AsSpan().IndexOf("Exif"u8));
        Assert.Equal(-1, bytes.AsSpan().IndexOf("Photoshop 3.0"u8));
        Assert.Equal(-1, bytes.AsSpan().IndexOf("Jane Doe"u8));

        var again = await Engine().CheckAsync(new CheckRequest { Images = [new ContentImage("images[0]", "trip.jpg", bytes)] });
        Assert.DoesNotContain(again.Findings, f => f.RuleId is RuleIds.ImageLocation or RuleIds.CopyrightNotice);
    }

    [Fact]
    public async Task TheDistrictsOwnCopyrightIsNotACopyrightNotice()
    {
        var request = new CheckRequest { Images = [new ContentImage("images[0]", "a.jpg", TaggedJpeg("Copyright Kenosha Unified School District"))] };

        var verdict = await Engine().CheckAsync(request);

        Assert.DoesNotContain(verdict.Findings, f => f.RuleId == RuleIds.CopyrightNotice);
        Assert.Contains(verdict.Findings, f => f.RuleId == RuleIds.ImageLocation);
    }

    [Fact]
    public async Task XmpRightsAndLocationAreRead()
    {
        const string Xmp = """
            <x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
            <rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"
              exif:GPSLatitude="42,35.2N" exif:GPSLongitude="87,49.5W">
            <dc:rights><rdf:Alt><rdf:li xml:lang="x-default">Stock Images Inc.</rdf:li></rdf:Alt></dc:rights>
            </rdf:Description></rdf:RDF></x:xmpmeta>
            """;
        using var image = new Image<Rgb24>(64, 48);
        image.Metadata.XmpProfile = new SixLabors.ImageSharp.Metadata.Profiles.Xmp.XmpProfile(System.Text.Encoding.UTF8.GetBytes(Xmp));
        using var stream = new MemoryStream();
        image.SaveAsPng(stream);

        var verdict = await Engine().CheckAsync(new CheckRequest { Images = [new ContentImage("images[0]", "x.png", stream.ToArray())] });

        Assert.Contains(verdict.Findings, f => f.RuleId == RuleIds.ImageLocation && f.Evidence!.Contains("XMP GPSLatitude", StringComparison.Ordinal));
        Assert.Contains(verdict.Findings, f => f.RuleId == RuleIds.CopyrightNotice && f.Evidence == "Stock Images Inc.");
    }
}
