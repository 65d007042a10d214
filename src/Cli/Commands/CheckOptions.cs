namespace Kusd.Moderation.Cli.Commands;

internal enum ReportFormat
{
    Text,
    Json,
    Sarif,
    Github,
}

/// <summary>Everything <c>kusd-moderate check</c> was asked to do, bound once from the command line.</summary>
internal sealed record CheckOptions
{
    /// <summary>Large enough for any real page; small enough that a stray dump or log file is refused, not read into memory.</summary>
    public const long DefaultMaxFileSize = 10L * 1024 * 1024;

    public required IReadOnlyList<string> Paths { get; init; }

    public string? RosterPath { get; init; }

    /// <summary>Roster database (<c>roster import</c>): its people for the text rules, its face templates for images.</summary>
    public string? DatabasePath { get; init; }

    public ReportFormat Format { get; init; } = ReportFormat.Text;

    public string? OutputPath { get; init; }

    public long MaxFileSize { get; init; } = DefaultMaxFileSize;

    public bool Fix { get; init; }

    public string? ConfigPath { get; init; }

    /// <summary>Engine settings in the API's format (<c>--settings</c>); null: the defaults in code.</summary>
    public string? SettingsPath { get; init; }

    public string? BaselinePath { get; init; }

    public bool UpdateBaseline { get; init; }

    public string? ChangedSince { get; init; }

    /// <summary>The API to send files to (<c>--server</c>) instead of checking locally.</summary>
    public string? Server { get; init; }

    /// <summary>The API key, from the environment (never a command-line argument: CI logs print those).</summary>
    public string? ApiKey { get; init; }

    public bool Progress { get; init; }

    /// <summary>What displayed paths are relative to and relative paths are resolved against.</summary>
    public required string WorkingDirectory { get; init; }
}
