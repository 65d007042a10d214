using System.Text;
using Kusd.Moderation.Content;
using Kusd.Moderation.Models.Images;
using Kusd.Moderation.Models.Ocr;
using Kusd.Moderation.Rules;
using Kusd.Moderation.Text;

namespace Kusd.Moderation.Images;

/// <summary>
/// Text inside images (flyers, certificates, name tags, jerseys): every line OCR reads becomes one
/// line of a synthetic plain-text field <c>{image field}#text</c>, checked by the same text rules as
/// the post. Findings point at the image (kind <c>image</c>) and at the region of the characters they
/// are about; the recognised text is the evidence. They carry no span (the CLI maps spans to lines of
/// files) and no text fix (text in pixels cannot be rewritten).
/// </summary>
public sealed class ImageTextRule : IContentRule, IModelBackedRule
{
    /// <summary>Suffix of the synthetic field that holds an image's recognised text.</summary>
    public const string FieldSuffix = "#text";

    private readonly OcrEngine _ocr;
    private readonly ImageIntake _intake;
    private readonly IReadOnlyList<IContentRule> _textRules;

    public ImageTextRule(OcrEngine ocr, ImageIntake intake, IReadOnlyList<IContentRule> textRules)
    {
        _ocr = ocr ?? throw new ArgumentNullException(nameof(ocr));
        _intake = intake ?? throw new ArgumentNullException(nameof(intake));
        _textRules = textRules ?? throw new ArgumentNullException(nameof(textRules));
    }

    public string Name => "image-text";

    public IReadOnlyDictionary<string, string> Models => _ocr.Models;

    /// <summary>The OCR engine, for callers that want the lines themselves (evaluation, tools).</summary>
    public OcrEngine Ocr => _ocr;

    public ValueTask AnalyzeAsync(CheckContext context, IList<Finding> findings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(findings);
        if (context.Request.Images.Count == 0)
        {
            return ValueTask.CompletedTask;
        }

        return new ValueTask(Task.Run(() => AnalyzeAllAsync(context, findings, cancellationToken), cancellationToken));
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

    private async Task AnalyzeAllAsync(CheckContext context, IList<Finding> findings, CancellationToken cancellationToken)
    {
        foreach (var image in context.Request.Images)
        {
            cancellationToken.ThrowIfCancellationRequested();
            OcrResult result;
            using (var pixels = _intake.Decode(image.Data, cancellationToken))
            {
                result = _ocr.Read(pixels, cancellationToken);
            }

            if (result.Lines.Count == 0)
            {
                continue;
            }

            var (text, boxes) = Compose(result);
            var field = ContentParser.Parse(new ContentField(image.Field + FieldSuffix, text));
            var textContext = new CheckContext(context.Request, [field], context.Roster, context.Options) { Audit = context.Audit };
            var found = new List<Finding>();
            foreach (var rule in _textRules)
            {
                await rule.AnalyzeAsync(textContext, found, cancellationToken).ConfigureAwait(false);
            }

            var target = FindingTarget.Image(image.Field, image.Name);
            var mapped = found.Select(f => ToImageFinding(f, target, text, boxes)).ToList();
            lock (findings)
            {
                foreach (var f in mapped)
                {
                    findings.Add(f);
                }
            }
        }
    }

    private static Finding ToImageFinding(Finding finding, FindingTarget target, string text, OcrBox?[] boxes)
    {
        var span = finding.Span is { } s && s.Start >= 0 && s.End <= text.Length && s.End > s.Start ? s : new TextSpan(0, text.Length);
        OcrBox? region = null;
        for (var i = span.Start; i < span.End; i++)
        {
            if (boxes[i] is { } box && !char.IsWhiteSpace(text[i]))
            {
                region = region is { } r ? OcrBox.Union(r, box) : box;
            }
        }

        region ??= boxes.Where(b => b is not null).Aggregate((a, b) => OcrBox.Union(a!.Value, b!.Value));
        return finding with
        {
            Message = finding.Message + " (text read from the image)",
            Target = target,
            Span = null,
            Evidence = finding.Evidence ?? text[span.Start..span.End],
            Fix = null,
            Region = new ImageRegion(region!.Value.X, region.Value.Y, region.Value.Width, region.Value.Height),
            Line = null,
            Column = null,
        };
    }
}
