using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Kusd.Moderation.Cli.Checking;
using Kusd.Moderation.Cli.Reporting;
using Kusd.Moderation.Roster;

namespace Kusd.Moderation.Cli.Commands;

/// <summary><c>kusd-moderate check [PATH ...]</c>: checks Markdown, HTML and text files for CI.</summary>
/// <remarks>Symbols belong to the instance: tests build many command trees at once, in parallel.</remarks>
internal sealed class CheckCommand : Command
{
    private static readonly Dictionary<string, ReportFormat> Formats = new(StringComparer.Ordinal)
    {
        ["text"] = ReportFormat.Text,
        ["json"] = ReportFormat.Json,
        ["sarif"] = ReportFormat.Sarif,
        ["github"] = ReportFormat.Github,
    };

    private readonly Argument<string[]> _pathsArgument = new("PATH")
    {
        Description = "Files or folders to check (default: the current folder). Folders are searched recursively for "
            + ".md, .markdown, .html, .htm and .txt files and for images (.jpg, .jpeg, .png, .gif, .webp), skipping hidden folders, node_modules, bin and obj.",
        Arity = ArgumentArity.ZeroOrMore,
    };

    private readonly Option<string> _rosterOption = new("--roster")
    {
        Description = "Roster CSV (id,role,givenName,familyName,preferredName,grade,mediaRestriction,emails).",
        HelpName = "FILE.csv",
    };

    private readonly Option<string> _dbOption = new("--db")
    {
        Description = "Roster database made by 'kusd-moderate roster import': its people and the face templates of restricted students.",
        HelpName = "FILE",
    };

    private readonly Option<string> _formatOption = new("--format")
    {
        Description = "Report format.",
        DefaultValueFactory = _ => "text",
    };

    private readonly Option<string> _outputOption = new("--output", "-o")
    {
        Description = "Write the report to this file instead of standard output.",
        HelpName = "FILE",
    };

    private readonly Option<long> _maxFileSizeOption = new("--max-file-size")
    {
        Description = "Largest file to read, in bytes or with a KB, MB or GB suffix; larger files are a tool error.",
        HelpName = "SIZE",
        DefaultValueFactory = _ => CheckOptions.DefaultMaxFileSize,
        CustomParser = ParseSize,
    };

    private readonly Option<string> _configOption = new("--config")
    {
        Description = $"Repository config (default: the nearest {RepositoryConfig.FileName} above the first PATH).",
        HelpName = "FILE",
    };

    private readonly Option<string> _settingsOption = new("--settings")
    {
        Description = "Engine settings (the API's appsettings.json format: Moderation, Moderation:Images, Faces, FaceMatching, AzureContentSafety), so the CLI builds the engine the server runs.",
        HelpName = "FILE",
    };

    private readonly Option<string> _baselineOption = new("--baseline")
    {
        Description = "Baseline file: findings recorded in it are not reported (only new ones are).",
        HelpName = "FILE",
    };

    private readonly Option<bool> _updateBaselineOption = new("--update-baseline")
    {
        Description = "Write every current finding into the --baseline file (to adopt the check without fixing history first).",
    };

    private readonly Option<string> _changedSinceOption = new("--changed-since")
    {
        Description = "Check only files changed against this git revision (work tree, including untracked files).",
        HelpName = "REV",
    };

    private readonly Option<string> _serverOption = new("--server")
    {
        Description = $"Send the files to this moderation API instead of checking locally (key from {RemoteChecker.KeyVariable}); the roster stays on the server.",
        HelpName = "URL",
    };

    private readonly Option<bool> _progressOption = new("--progress")
    {
        Description = "Print files checked and the rate on stderr every few seconds (on by default when stderr is a terminal).",
    };

    private readonly Option<bool> _fixOption = new("--fix")
    {
        Description = "Write automatic fixes (name shortening, address removal) back into the files.",
    };

    private readonly string _workingDirectory;

    public CheckCommand(string workingDirectory)
        : base("check", "Check files against Rule 4226 and report findings.")
    {
        _workingDirectory = workingDirectory;
        _formatOption.AcceptOnlyFromAmong([.. Formats.Keys]);
        _pathsArgument.Validators.Add(RejectUnknownOptions);
        Arguments.Add(_pathsArgument);
        Options.Add(_rosterOption);
        Options.Add(_dbOption);
        Options.Add(_formatOption);
        Options.Add(_outputOption);
        Options.Add(_maxFileSizeOption);
        Options.Add(_fixOption);
        Options.Add(_configOption);
        Options.Add(_settingsOption);
        Options.Add(_baselineOption);
        Options.Add(_updateBaselineOption);
        Options.Add(_changedSinceOption);
        Options.Add(_serverOption);
        Options.Add(_progressOption);
        SetAction((parseResult, cancellationToken) => ExecuteAsync(
            Bind(parseResult),
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error,
            cancellationToken));
    }

    public CheckOptions Bind(ParseResult parseResult)
    {
        var paths = parseResult.GetValue(_pathsArgument);
        return new CheckOptions
        {
            Paths = paths is { Length: > 0 } ? paths : ["."],
            RosterPath = parseResult.GetValue(_rosterOption),
            DatabasePath = parseResult.GetValue(_dbOption),
            Format = Formats[parseResult.GetValue(_formatOption) ?? "text"],
            OutputPath = parseResult.GetValue(_outputOption),
            MaxFileSize = parseResult.GetValue(_maxFileSizeOption),
            Fix = parseResult.GetValue(_fixOption),
            ConfigPath = parseResult.GetValue(_configOption),
            SettingsPath = parseResult.GetValue(_settingsOption),
            BaselinePath = parseResult.GetValue(_baselineOption),
            UpdateBaseline = parseResult.GetValue(_updateBaselineOption),
            ChangedSince = parseResult.GetValue(_changedSinceOption),
            Server = parseResult.GetValue(_serverOption),
            Progress = parseResult.GetValue(_progressOption),
            ApiKey = Environment.GetEnvironmentVariable(RemoteChecker.KeyVariable),
            WorkingDirectory = _workingDirectory,
        };
    }

    public static async Task<int> ExecuteAsync(CheckOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var plan = CheckPlan.Create(options, out var usageErrors);
        foreach (var note in plan.Notes)
        {
            await stderr.WriteLineAsync(note).ConfigureAwait(false);
        }

        // A typo in a path must fail the CI job, not pass it with fewer files checked.
        if (usageErrors.Count > 0)
        {
            foreach (var error in usageErrors)
            {
                await stderr.WriteLineAsync(error).ConfigureAwait(false);
            }

            return ExitCodes.ToolError;
        }

        var terminal = ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected;
        var progress = terminal || options.Progress ? new ProgressReporter(stderr, plan.Files.Count, inPlace: terminal) : null;
        var reports = await plan.RunAsync(progress is null ? null : progress.FileDone, cancellationToken).ConfigureAwait(false);
        progress?.Finish();

        reports = await ApplyBaselineAsync(options, reports, plan.BaselinePath, plan.Baseline, stderr).ConfigureAwait(false);
        var summary = CheckSummary.From(reports, options.Fix);

        foreach (var report in reports)
        {
            foreach (var warning in report.Warnings)
            {
                await stderr.WriteLineAsync($"{report.File.DisplayPath}: warning: {warning}").ConfigureAwait(false);
            }

            if (report.Error is not null)
            {
                await stderr.WriteLineAsync($"{report.File.DisplayPath}: error: {report.Error}").ConfigureAwait(false);
            }

            if (report.FixesApplied > 0)
            {
                await stderr.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{report.File.DisplayPath}: fixed {report.FixesApplied} finding(s) in place.")).ConfigureAwait(false);
            }
        }

        if (!await WriteReportAsync(options, reports, summary, stdout, stderr).ConfigureAwait(false))
        {
            return ExitCodes.ToolError;
        }

        await stderr.WriteLineAsync(summary.ToLine()).ConfigureAwait(false);
        return summary.ExitCode;
    }

    private static async Task<IReadOnlyList<FileReport>> ApplyBaselineAsync(
        CheckOptions options, IReadOnlyList<FileReport> reports, string? baselinePath, HashSet<string>? baseline, TextWriter stderr)
    {
        var paths = RepositoryPaths.For(options.WorkingDirectory);
        var fingerprinted = reports.Select(r => r with { Fingerprints = Fingerprints.Of(r, paths.Relative(r.File.FullPath)) }).ToList();
        if (options.UpdateBaseline && baselinePath is not null)
        {
            var entries = fingerprinted.SelectMany(r => r.Findings.Select((f, i) => (paths.Relative(r.File.FullPath), f, r.Fingerprints![i]))).ToList();
            Baseline.Write(baselinePath, entries);
            await stderr.WriteLineAsync($"{options.BaselinePath}: baseline of {entries.Count} finding(s) written.").ConfigureAwait(false);
            baseline = [.. entries.Select(e => e.Item3)];
        }

        if (baseline is null)
        {
            return fingerprinted;
        }

        var hidden = 0;
        var result = new List<FileReport>(fingerprinted.Count);
        foreach (var report in fingerprinted)
        {
            var keep = Enumerable.Range(0, report.Findings.Count).Where(i => !baseline.Contains(report.Fingerprints![i])).ToList();
            hidden += report.Findings.Count - keep.Count;
            if (keep.Count == report.Findings.Count)
            {
                result.Add(report);
                continue;
            }

            result.Add(report.WithFindings([.. keep.Select(i => report.Findings[i])]) with
            {
                Fingerprints = [.. keep.Select(i => report.Fingerprints![i])],
            });
        }

        if (hidden > 0)
        {
            await stderr.WriteLineAsync($"{hidden} finding(s) in the baseline not reported.").ConfigureAwait(false);
        }

        return result;
    }

    private static async Task<bool> WriteReportAsync(
        CheckOptions options, IReadOnlyList<FileReport> reports, CheckSummary summary, TextWriter stdout, TextWriter stderr)
    {
        if (options.OutputPath is null)
        {
            await WriteReportAsync(options, stdout, reports, summary).ConfigureAwait(false);
            return true;
        }

        var outputPath = Path.GetFullPath(options.OutputPath, options.WorkingDirectory);
        try
        {
            await using var file = new StreamWriter(outputPath, append: false);
            await WriteReportAsync(options, file, reports, summary).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"{options.OutputPath}: cannot write the report ({ex.GetType().Name}).").ConfigureAwait(false);
            return false;
        }
    }

    private static Task WriteReportAsync(CheckOptions options, TextWriter writer, IReadOnlyList<FileReport> reports, CheckSummary summary) =>
        options.Format switch
        {
            ReportFormat.Json => JsonReportWriter.WriteAsync(writer, reports, summary),
            ReportFormat.Sarif => SarifReportWriter.WriteAsync(writer, reports, RepositoryPaths.For(options.WorkingDirectory)),
            ReportFormat.Github => GithubReportWriter.WriteAsync(writer, reports, RepositoryPaths.For(options.WorkingDirectory)),
            _ => TextReportWriter.WriteAsync(writer, reports),
        };

    // A PATH that looks like an option is almost always a mistyped option; without this it would be
    // taken as a file name and reported as "not found", hiding the real mistake.
    private static void RejectUnknownOptions(ArgumentResult result)
    {
        foreach (var token in result.Tokens)
        {
            if (token.Value.Length > 1 && token.Value[0] == '-')
            {
                result.AddError($"Unknown option '{token.Value}'.");
            }
        }
    }

    private static long ParseSize(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value.Trim() : string.Empty;
        var multiplier = 1L;
        foreach (var (suffix, factor) in new[] { ("GB", 1L << 30), ("MB", 1L << 20), ("KB", 1L << 10), ("G", 1L << 30), ("M", 1L << 20), ("K", 1L << 10), ("B", 1L) })
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                text = text[..^suffix.Length].TrimEnd();
                multiplier = factor;
                break;
            }
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 && value <= long.MaxValue / multiplier)
        {
            return value * multiplier;
        }

        result.AddError($"Invalid --max-file-size '{string.Join(' ', result.Tokens.Select(t => t.Value))}': use a positive number of bytes, or KB, MB or GB.");
        return 0;
    }
}
