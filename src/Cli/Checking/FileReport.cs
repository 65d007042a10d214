namespace Kusd.Moderation.Cli.Checking;

/// <summary>The outcome for one file: a verdict with located findings, or why the file could not be checked.</summary>
internal sealed record FileReport
{
    public required SourceFile File { get; init; }

    /// <summary>Null when the file could not be checked (see <see cref="Error"/>).</summary>
    public Decision? Decision { get; init; }

    public IReadOnlyList<Finding> Findings { get; init; } = [];

    public string? Error { get; init; }

    /// <summary>Problems that did not stop the check (invalid UTF-8, a fix that was not written).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>How many findings <c>--fix</c> fixed in the file; null when not fixing.</summary>
    public int? FixesApplied { get; init; }

    /// <summary>One per finding (see Reporting.Fingerprints), set before the baseline filters them; null until then.</summary>
    public IReadOnlyList<string>? Fingerprints { get; init; }

    /// <summary>A checked file. Its decision is the engine's, over the findings left after the repository's policy: the one place the CLI decides.</summary>
    public static FileReport Checked(SourceFile file, IReadOnlyList<Finding> findings, IReadOnlyList<string> warnings, int? fixesApplied) => new()
    {
        File = file,
        Decision = ModerationEngine.Decide(findings),
        Findings = findings,
        Warnings = warnings,
        FixesApplied = fixesApplied,
    };

    /// <summary>The same report with fewer findings (a baseline hid some), decided again.</summary>
    public FileReport WithFindings(IReadOnlyList<Finding> findings) =>
        this with { Findings = findings, Decision = Decision is null ? null : ModerationEngine.Decide(findings) };
}
