using System.Text;
using Kusd.Moderation.Content;
using Kusd.Moderation.Models.Ocr;

namespace Kusd.Moderation.Images;

/// <summary>The text OCR read in one image, as a plain-text field, with the image box of every UTF-16 code unit.</summary>
public sealed record ImageText(DecodedImage Image, ContentField Field, OcrBox?[] Boxes);

/// <summary>
/// Text inside images (flyers, certificates, name tags, jerseys) as a stage of the pipeline: every line
/// OCR reads becomes one line of a plain-text field <c>{image field}#text</c>, which the engine checks
/// with the same text rules as the post, in the same pass. Findings on it are turned back into image
/// findings (<see cref="ToImageFinding"/>): they point at the region of the characters they are about,
/// carry the recognised text as evidence, no span and no text fix (text in pixels cannot be rewritten).
/// </summary>
public sealed class ImageTextStage
{
    /// <summary>Suffix of the synthetic field that holds an image's recognised text; rules may key on it.</summary>
    public const string FieldSuffix = "#text";

    private readonly OcrEngine _ocr;

    public ImageTextStage(OcrEngine ocr) => _ocr = ocr ?? throw new ArgumentNullException(nameof(ocr));

    public string Name => "image-text";

    public IReadOnlyDictionary<string, string> Models => _ocr.Models;

    /// <summary>The OCR engine, for callers that want the lines themselves (evaluation, tools).</summary>
    public OcrEngine Ocr => _ocr;

    /// <summary>Whether a field holds text read from an image (and so is no clickable link, no editable text).</summary>
    public static bool IsImageTextField(string fieldName) => fieldName.EndsWith(FieldSuffix, StringComparison.Ordinal);

    /// <summary>Reads the image's text; null when there is none.</summary>
    public ImageText? Read(DecodedImage image, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        var result = _ocr.Read(image.Pixels, cancellationToken);
        if (result.Lines.Count == 0)
        {
            return null;
        }

        var (text, boxes) = Compose(result);
        var frame = image.Frame > 0 ? $"@{image.Frame + 1}" : string.Empty;
        return new ImageText(image, new ContentField(image.Source.Field + frame + FieldSuffix, text), boxes);
    }

    /// <summary>The recognised text of an image as one field, with the image box of every UTF-16 code unit (null for line breaks).</summary>
    public static (string Text, OcrBox?[] Boxes) Compose(OcrResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var text = new StringBuilder();
        var boxes = new List<OcrBox?>();
        foreach (var line in result.Lines)
        {
            if (text.Length > 0)
            {
                text.Append('\n');
                boxes.Add(null);
            }

            text.Append(line.Text);
            boxes.AddRange(line.CharacterBoxes.Select(b => (OcrBox?)b));
        }

        return (text.ToString(), [.. boxes]);
    }

    /// <summary>A text rule's finding on an image's recognised text, as a finding about the image region of those characters.</summary>
    public static Finding ToImageFinding(Finding finding, ImageText read)
    {
        ArgumentNullException.ThrowIfNull(finding);
        ArgumentNullException.ThrowIfNull(read);
        var text = read.Field.Text;
        var boxes = read.Boxes;
        var span = finding.Span is { } s && s.Start >= 0 && s.End <= text.Length && s.End > s.Start ? s : new TextSpan(0, text.Length);
        OcrBox? region = null;
        for (var i = span.Start; i < span.End && i < boxes.Length; i++)
        {
            if (boxes[i] is { } box && !char.IsWhiteSpace(text[i]))
            {
                region = region is { } r ? OcrBox.Union(r, box) : box;
            }
        }

        region ??= boxes.Where(b => b is not null).Select(b => b!.Value).DefaultIfEmpty(new OcrBox(0, 0, read.Image.Width, read.Image.Height)).Aggregate(OcrBox.Union);
        return finding with
        {
            Message = finding.Message + " (text read from the image" + (read.Image.Header.Frames > 1 ? $", frame {read.Image.Frame + 1})" : ")"),
            Target = read.Image.Target,
            Span = null,
            Evidence = finding.Evidence ?? text[span.Start..span.End],
            Fix = null,
            Region = new ImageRegion(region.Value.X, region.Value.Y, region.Value.Width, region.Value.Height),
            Line = null,
            Column = null,
        };
    }
}
