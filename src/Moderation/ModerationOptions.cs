using System.ComponentModel.DataAnnotations;

namespace Kusd.Moderation;

/// <summary>Settings of the engine. Defaults are this district's (DESIGN.md), sensible with no configuration at all.</summary>
public sealed class ModerationOptions
{
    public const string SectionName = "Moderation";

    /// <summary>The district's own domains; subdomains are included.</summary>
    [MinLength(1)]
    public IList<string> DistrictDomains { get; init; } = ["kusd.edu"];

    /// <summary>The domain of student mailboxes: any address there is a student's.</summary>
    public IList<string> StudentEmailDomains { get; init; } = ["students.kusd.edu"];

    /// <summary>
    /// A contact that replaces a removed student or family address ("the school office, office@kusd.edu"); when
    /// empty, the email fix removes the address together with the words that introduced it.
    /// </summary>
    public string? OfficeContact { get; init; }

    /// <summary>Hosts (and their subdomains) that links may point to without review, beyond the defaults.</summary>
    public IList<string> AllowedLinkHosts { get; init; } = [];

    /// <summary>
    /// What a blank <c>mediaRestriction</c> cell means. Many districts treat a missing form as consent
    /// (false); a cautious district sets true.
    /// </summary>
    public bool BlankMediaRestrictionMeans { get; init; }

    /// <summary>A checker that runs longer than this is reported as <c>check/unavailable</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan CheckerTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Longest field accepted, in UTF-16 code units, by the API and the CLI alike; longer fields are
    /// refused by callers (a page of a website is rarely over 100,000).
    /// </summary>
    [Range(1, 10_000_000)]
    public int MaxFieldLength { get; init; } = 1_000_000;

    /// <summary>
    /// Findings one checker may report in one check (per image frame for image checkers). More are counted,
    /// not kept: a page with this many problems needs a person, and the answer and the audit row stay small.
    /// </summary>
    [Range(10, 100_000)]
    public int MaxFindingsPerRule { get; init; } = 1_000;

    /// <summary>Findings one verdict lists; beyond it the verdict says how many were left out and is never approved.</summary>
    [Range(10, 100_000)]
    public int MaxFindingsPerCheck { get; init; } = 2_000;
}
