using System.Globalization;
using Kusd.Moderation.Content;
using Kusd.Moderation.Models.Images;

namespace Kusd.Moderation.Cli.Checking;

/// <summary>Checks files with one shared engine, several at a time, and returns reports in input order.</summary>
internal sealed class CheckRunner
{
    /// <summary>Each file is one check of one field; the name is part of the verdict's finding targets.</summary>
    public const string FieldName = "body";

    /// <summary>The field an image file is checked as.</summary>
    public const string ImageFieldName = "image";

    private readonly Func<CheckRequest, CancellationToken, Task<Verdict>> _check;
    private readonly int _maxFieldLength;
    private readonly long _maxFileSize;
    private readonly bool _fix;
    private readonly FindingPolicy _policy;

    public CheckRunner(ModerationEngine engine, long maxFileSize, bool fix, FindingPolicy? policy = null)
        : this(engine.CheckAsync, engine.Options.MaxFieldLength, maxFileSize, fix, policy)
    {
    }

    /// <param name="check">The local engine, or the API (<c>--server</c>).</param>
    public CheckRunner(Func<CheckRequest, CancellationToken, Task<Verdict>> check, int maxFieldLength, long maxFileSize, bool fix, FindingPolicy? policy = null)
    {
        _check = check;
        _maxFieldLength = maxFieldLength;
        _policy = policy ?? FindingPolicy.None;
        _maxFileSize = maxFileSize;
        _fix = fix;
    }

    /// <summary>Called after each file, from any thread.</summary>
    public Action? FileDone { get; init; }

    public async Task<IReadOnlyList<FileReport>> RunAsync(IReadOnlyList<SourceFile> files, CancellationToken cancellationToken)
    {
        var reports = new FileReport[files.Count];
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = Environment.ProcessorCount,
            CancellationToken = cancellationToken,
        };
        await Parallel.ForEachAsync(Enumerable.Range(0, files.Count), parallel, async (i, token) =>
        {
            reports[i] = await CheckFileAsync(files[i], token).ConfigureAwait(false);
            FileDone?.Invoke();
        }).ConfigureAwait(false);
        return reports;
    }

    private async Task<FileReport> CheckFileAsync(SourceFile file, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            var length = new FileInfo(file.FullPath).Length;
            if (length > _maxFileSize)
            {
                return Failed(file, TooLarge(length));
            }

            bytes = await File.ReadAllBytesAsync(file.FullPath, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Failed(file, $"cannot be read ({ex.GetType().Name}).");
        }

        // The file may have grown since it was measured.
        if (bytes.LongLength > _maxFileSize)
        {
            return Failed(file, TooLarge(bytes.LongLength));
        }

        if (file.IsImage)
        {
            return await CheckImageAsync(file, bytes, cancellationToken).ConfigureAwait(false);
        }

        var source = SourceReader.Decode(bytes);
        var warnings = new List<string>();
        if (source.FirstInvalidByteOffset is { } invalidAt)
        {
            warnings.Add(string.Create(CultureInfo.InvariantCulture,
                $"invalid UTF-8 at byte offset {invalidAt}; checked with U+FFFD in place of the invalid bytes."));
        }

        if (source.Text.Length > _maxFieldLength)
        {
            return Failed(file, string.Create(CultureInfo.InvariantCulture,
                $"has {source.Text.Length} characters, over the engine's limit of {_maxFieldLength}."));
        }

        var text = source.Text;
        Verdict verdict;
        try
        {
            verdict = await CheckTextAsync(file, text, cancellationToken).ConfigureAwait(false);
        }
        catch (RemoteCheckException ex)
        {
            return Failed(file, $"not checked: {ex.Message}");
        }

        int? fixesApplied = null;
        if (_fix)
        {
            fixesApplied = 0;
            if (verdict.Sanitized.Fields.TryGetValue(FieldName, out var sanitized) && !string.Equals(sanitized, text, StringComparison.Ordinal))
            {
                if (!source.IsValidUtf8)
                {
                    warnings.Add("not fixed: writing the file back would replace its invalid bytes.");
                }
                else
                {
                    try
                    {
                        await WriteInPlaceAsync(file.FullPath, SourceReader.Encode(sanitized, source.HasByteOrderMark), cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                    {
                        return Located(file, verdict, text, warnings, fixesApplied) with { Error = $"cannot be fixed in place ({ex.GetType().Name})." };
                    }

                    fixesApplied = verdict.Findings.Count(f => f.Fix is not null);

                    // Report what is left in the file as it is now, with positions in the new text.
                    text = sanitized;
                    verdict = await CheckTextAsync(file, text, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        return Located(file, verdict, text, warnings, fixesApplied);
    }

    private async Task<FileReport> CheckImageAsync(SourceFile file, byte[] bytes, CancellationToken cancellationToken)
    {
        Verdict verdict;
        var warnings = new List<string>();
        int? fixesApplied = null;
        try
        {
            verdict = await CheckImageBytesAsync(file, bytes, sanitize: _fix, cancellationToken).ConfigureAwait(false);
            if (_fix)
            {
                fixesApplied = 0;
                var sanitized = verdict.Sanitized.Images.FirstOrDefault(i => i.Data is { Length: > 0 });
                // Only what sanitizing removes (restricted faces, location metadata) warrants a rewrite:
                // re-encoding alone would change the bytes on every run.
                if (sanitized is not null && verdict.Findings.Any(f => f.RuleId is RuleIds.MediaRestrictionFace or RuleIds.ImageLocation))
                {
                    // Replace in place when the sanitized encoding fits the file's extension; otherwise
                    // write a copy beside it, since a .gif holding JPEG bytes would mislead every reader.
                    var target = SanitizedPath(file.FullPath, sanitized.ContentType);
                    await WriteInPlaceAsync(target, sanitized.Data!, cancellationToken).ConfigureAwait(false);
                    fixesApplied = verdict.Findings.Count(f => f.RuleId is RuleIds.MediaRestrictionFace or RuleIds.ImageLocation);
                    if (target == file.FullPath)
                    {
                        verdict = await CheckImageBytesAsync(file, sanitized.Data!, sanitize: false, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        warnings.Add($"sanitized copy written to {Path.GetFileName(target)}: replace the original with it.");
                    }
                }
            }
        }
        catch (ImageRejectedException ex)
        {
            // A corrupt or unreadable image in a content repository is a content problem, not a tool
            // failure: a finding on the file (exit 1), with the rule id the API gives the same image.
            // The intake's messages describe the image (format, size), never its content.
            var unreadable = new Finding
            {
                RuleId = RuleIds.CheckUnavailable,
                Severity = Severity.Warning,
                Message = $"This image cannot be checked: {ex.Message} A person must look at it, or replace the file.",
                Policy = PolicyRefs.Safety,
                Target = FindingTarget.Image(ImageFieldName, Path.GetFileName(file.FullPath)),
            };
            return FileReport.Checked(file, _policy.Apply([unreadable], text: null), warnings, fixesApplied);
        }
        catch (RemoteCheckException ex)
        {
            return Failed(file, $"not checked: {ex.Message}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Failed(file, $"cannot be fixed in place ({ex.GetType().Name}).");
        }

        return FileReport.Checked(file, _policy.Apply(verdict.Findings, text: null), warnings, fixesApplied);
    }

    private Task<Verdict> CheckImageBytesAsync(SourceFile file, byte[] bytes, bool sanitize, CancellationToken cancellationToken) =>
        _check(
            new CheckRequest
            {
                Images = [new ContentImage(ImageFieldName, Path.GetFileName(file.FullPath), bytes)],
                ReturnSanitizedImages = sanitize,
            },
            cancellationToken);

    private static string SanitizedPath(string path, string contentType)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        var fits = contentType switch
        {
            "image/jpeg" => extension is ".jpg" or ".jpeg",
            "image/png" => extension is ".png",
            _ => false,
        };
        if (fits)
        {
            return path;
        }

        var newExtension = contentType == "image/png" ? ".png" : ".jpg";
        return Path.Join(Path.GetDirectoryName(path), Path.GetFileNameWithoutExtension(path) + ".sanitized" + newExtension);
    }

    private FileReport Located(SourceFile file, Verdict verdict, string text, List<string> warnings, int? fixesApplied)
    {
        var lines = new LineMap(text);
        return FileReport.Checked(file, _policy.Apply([.. verdict.Findings.Select(f => Locate(f, lines, text.Length))], text), warnings, fixesApplied);
    }

    private Task<Verdict> CheckTextAsync(SourceFile file, string text, CancellationToken cancellationToken) =>
        _check(new CheckRequest { Fields = [new ContentField(FieldName, text, file.Format)] }, cancellationToken);

    private static Finding Locate(Finding finding, LineMap lines, int textLength)
    {
        if (finding.Span is not { } span || finding.Target.Kind != FindingTarget.TextKind || span.Start > textLength)
        {
            return finding;
        }

        var (line, column) = lines.Locate(span.Start);
        return finding with { Line = line, Column = column };
    }

    // Write beside the file and rename over it, so an interrupted run never leaves half a page.
    private static async Task WriteInPlaceAsync(string path, byte[] content, CancellationToken cancellationToken)
    {
        var temporary = Path.Join(Path.GetDirectoryName(path), $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await File.WriteAllBytesAsync(temporary, content, cancellationToken).ConfigureAwait(false);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, File.GetUnixFileMode(path));
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private string TooLarge(long length) => string.Create(CultureInfo.InvariantCulture,
        $"is {length} bytes, over the limit of {_maxFileSize} bytes (--max-file-size); not checked.");

    private static FileReport Failed(SourceFile file, string error) => new() { File = file, Error = error };
}
