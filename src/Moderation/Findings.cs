using System.Text.Json.Serialization;

namespace Kusd.Moderation;

/// <summary>Rule ids are a public contract (plugins, SARIF, baselines and suppressions key on them): never rename one.</summary>
public static class RuleIds
{
    public const string MediaRestrictionFace = "media-restriction/face";
    public const string MediaRestrictionName = "media-restriction/name";
    public const string StudentNameElementary = "student-name/elementary";
    public const string EmailStudent = "email/student";
    public const string LinkExternal = "link/external";
    public const string ExplicitText = "explicit/text";
    public const string ExplicitImage = "explicit/image";
    public const string SubstanceText = "substance/text";
    public const string SubstanceImage = "substance/image";
    public const string FerpaConfidential = "ferpa/confidential";
    public const string CopyrightNotice = "copyright/notice";
    public const string FaceUnverified = "face/unverified";
    public const string ImageLocation = "image/location";
    public const string CheckUnavailable = "check/unavailable";

    public static IReadOnlyList<string> All { get; } =
    [
        MediaRestrictionFace, MediaRestrictionName, StudentNameElementary, EmailStudent, LinkExternal,
        ExplicitText, ExplicitImage, SubstanceText, SubstanceImage, FerpaConfidential, CopyrightNotice,
        FaceUnverified, ImageLocation, CheckUnavailable,
    ];
}

/// <summary>Where in Rule 4226 a finding comes from; shown to the person who must act on it.</summary>
public static class PolicyRefs
{
    public const string PersonallyIdentifiable = "Rule 4226: personally identifiable information";
    public const string MediaRestriction = "Rule 4226: students with a media restriction on file";
    public const string Email = "Rule 4226: email addresses of students and their family members";
    public const string Links = "Rule 4226: links to personal or commercial websites";
    public const string Explicit = "Rule 4226: sexually explicit, obscene or pornographic content";
    public const string Substances = "Rule 4226: content that depicts alcohol, drug or tobacco use";
    public const string Confidential = "Rule 4226: confidential student information (FERPA, Wis. Stat. 118.125)";
    public const string Copyright = "Rule 4226: copyrighted material without consent and attribution";
    public const string Safety = "Kusd.Moderation: fail closed";
}

[JsonConverter(typeof(JsonStringEnumConverter<Severity>))]
public enum Severity
{
    [JsonStringEnumMemberName("note")] Note,
    [JsonStringEnumMemberName("warning")] Warning,
    [JsonStringEnumMemberName("error")] Error,
}

[JsonConverter(typeof(JsonStringEnumConverter<Decision>))]
public enum Decision
{
    [JsonStringEnumMemberName("approved")] Approved,
    [JsonStringEnumMemberName("approvedWithChanges")] ApprovedWithChanges,
    [JsonStringEnumMemberName("needsReview")] NeedsReview,
    [JsonStringEnumMemberName("rejected")] Rejected,
}

/// <summary>A span of UTF-16 code units in a field as submitted, end exclusive.</summary>
public readonly record struct TextSpan(int Start, int End)
{
    [JsonIgnore] public int Length => End - Start;

    public bool Overlaps(TextSpan other) => Start < other.End && other.Start < End;
}

public sealed record FindingTarget(string Kind, string Field, string? Name = null)
{
    public const string TextKind = "text";
    public const string ImageKind = "image";

    public static FindingTarget Text(string field) => new(TextKind, field);

    public static FindingTarget Image(string field, string? name) => new(ImageKind, field, name);
}

public sealed record ImageRegion(int X, int Y, int Width, int Height);

public sealed record FindingFix(string Replacement);

/// <summary>One thing a rule found. Image findings never carry who a face is.</summary>
public sealed record Finding
{
    public required string RuleId { get; init; }
    public required Severity Severity { get; init; }
    public required string Message { get; init; }
    public string? Policy { get; init; }
    public required FindingTarget Target { get; init; }
    public TextSpan? Span { get; init; }
    public string? Evidence { get; init; }
    public FindingFix? Fix { get; init; }
    public ImageRegion? Region { get; init; }
    public double? Confidence { get; init; }

    /// <summary>1-based line of <see cref="Span"/>; set by callers that read files (the CLI).</summary>
    public int? Line { get; init; }

    /// <summary>1-based column in UTF-16 code units; set with <see cref="Line"/>.</summary>
    public int? Column { get; init; }
}
