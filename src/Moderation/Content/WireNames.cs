namespace Kusd.Moderation.Content;

/// <summary>
/// The names formats and channels have on the wire (API requests, <c>--server</c>, audit records). One
/// table, so that the API, the CLI and the audit cannot drift apart.
/// </summary>
public static class WireNames
{
    public static IReadOnlyList<string> Formats { get; } = ["plain", "markdown", "html"];

    public static IReadOnlyList<string> Channels { get; } = ["website", "social"];

    public static string Of(ContentFormat format) => format switch
    {
        ContentFormat.Markdown => "markdown",
        ContentFormat.Html => "html",
        _ => "plain",
    };

    public static string Of(Channel channel) => channel == Channel.Social ? "social" : "website";

    /// <summary>A decision as the verdict JSON spells it (its <c>JsonStringEnumMemberName</c>).</summary>
    public static string Of(Decision decision) => decision switch
    {
        Decision.Approved => "approved",
        Decision.ApprovedWithChanges => "approvedWithChanges",
        Decision.NeedsReview => "needsReview",
        _ => "rejected",
    };

    /// <summary>A severity as the verdict JSON spells it.</summary>
    public static string Of(Severity severity) => severity switch
    {
        Severity.Note => "note",
        Severity.Warning => "warning",
        _ => "error",
    };

    /// <summary>A format from its wire name (null: plain); false for a name that is not one.</summary>
    public static bool TryParseFormat(string? name, out ContentFormat format)
    {
        ContentFormat? parsed = (name ?? "plain").ToLowerInvariant() switch
        {
            "plain" or "text" or "plaintext" => ContentFormat.PlainText,
            "markdown" or "md" => ContentFormat.Markdown,
            "html" => ContentFormat.Html,
            _ => null,
        };
        format = parsed ?? ContentFormat.PlainText;
        return parsed is not null;
    }

    /// <summary>A channel from its wire name (null: website); false for a name that is not one.</summary>
    public static bool TryParseChannel(string? name, out Channel channel)
    {
        Channel? parsed = (name ?? "website").ToLowerInvariant() switch
        {
            "website" => Channel.Website,
            "social" => Channel.Social,
            _ => null,
        };
        channel = parsed ?? Channel.Website;
        return parsed is not null;
    }
}
