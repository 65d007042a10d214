namespace Kusd.Moderation;

/// <summary>
/// What a rule means to the person who must act on it. The one home of these words: the API serves them
/// at <c>GET /v1/rules</c> (the upload form and the CMS plugin read them there), the CLI writes them into
/// SARIF rule descriptors, and the README's rule table follows them.
/// </summary>
/// <param name="Id">The rule id (<see cref="RuleIds"/>), a public contract.</param>
/// <param name="Title">A short plain-language name of what was found.</param>
/// <param name="Description">What it means under Rule 4226, in words a school secretary would use.</param>
/// <param name="Help">What to do about it.</param>
/// <param name="DefaultSeverity">The severity of DESIGN.md's table; a few rules also report a milder one (see <paramref name="SeverityNote"/>).</param>
/// <param name="Policy">The part of Rule 4226 (or of the service's safety promise) it enforces.</param>
/// <param name="AutomaticFix">What the service can fix by itself, or <c>none</c>.</param>
/// <param name="SeverityNote">When the same rule reports another severity, and why.</param>
public sealed record RuleInfo(
    string Id,
    string Title,
    string Description,
    string Help,
    Severity DefaultSeverity,
    string Policy,
    string AutomaticFix,
    string? SeverityNote = null);

/// <summary>Every rule of the engine with its words, in the order of DESIGN.md.</summary>
public static class RuleCatalog
{
    public const string NoAutomaticFix = "none";

    public static IReadOnlyList<RuleInfo> All { get; } =
    [
        new(RuleIds.MediaRestrictionFace,
            "A student with a media restriction may be in this photo",
            "The family of this student has asked that the student not appear in district media. Rule 4226 does not allow publishing their picture.",
            "Leave the photo out, or publish only the cleaned-up copy in which the face is blurred.",
            Severity.Error, PolicyRefs.MediaRestriction, "blur the face in a sanitized copy (when asked for)",
            "A face that only resembles a restricted student is a warning: a person must look."),
        new(RuleIds.MediaRestrictionName,
            "Names a student with a media restriction",
            "This student's family has asked that the student not appear in district media, and that includes their name in any form.",
            "Remove the name. It cannot be shortened: no form of it may be published.",
            Severity.Error, PolicyRefs.MediaRestriction, NoAutomaticFix),
        new(RuleIds.StudentNameElementary,
            "Full name of an elementary student",
            "Rule 4226 allows elementary (4K-5) students to be named by first name and last initial only.",
            "Use the first name and last initial (the suggested fix does it).",
            Severity.Error, PolicyRefs.PersonallyIdentifiable, "shorten to first name and last initial",
            "An unrostered child's full name in an elementary context is a warning."),
        new(RuleIds.EmailStudent,
            "Email address of a student or family member",
            "Rule 4226 does not allow posting the email addresses of students or their families.",
            "Remove the address; point people to the school office instead.",
            Severity.Error, PolicyRefs.Email, "remove the address and the words that introduce it (or put in the office contact)"),
        new(RuleIds.LinkExternal,
            "Link to a personal or commercial website",
            "Rule 4226 limits links to district, school and approved educational sites.",
            "Remove the link, or ask the communications office to allow the site.",
            Severity.Error, PolicyRefs.Links, NoAutomaticFix,
            "URL shorteners, unknown non-commercial hosts and addresses read from images are warnings for a person to judge."),
        new(RuleIds.ExplicitText,
            "Explicit or vulgar language",
            "Rule 4226 does not allow sexually explicit, obscene or pornographic content.",
            "Reword or remove this text.",
            Severity.Error, PolicyRefs.Explicit, NoAutomaticFix),
        new(RuleIds.ExplicitImage,
            "The photo may be explicit",
            "Rule 4226 does not allow sexually explicit, obscene or pornographic content.",
            "Do not use this photo; choose another one.",
            Severity.Error, PolicyRefs.Explicit, NoAutomaticFix,
            "Uncertain scores are a warning: a person must look."),
        new(RuleIds.SubstanceText,
            "Mentions alcohol, drugs or tobacco",
            "Rule 4226 does not allow content that depicts or promotes alcohol, drug or tobacco use. Prevention and education content is fine.",
            "Have a person decide, or reword the text.",
            Severity.Warning, PolicyRefs.Substances, NoAutomaticFix),
        new(RuleIds.SubstanceImage,
            "The photo may show alcohol, drugs or tobacco",
            "Rule 4226 does not allow content that depicts alcohol, drug or tobacco use.",
            "Have a person look at the photo, or choose another one.",
            Severity.Warning, PolicyRefs.Substances, NoAutomaticFix,
            "Not implemented: no model that can be had here recognises these in photos."),
        new(RuleIds.FerpaConfidential,
            "Confidential student information",
            "Student ID numbers, grades, health, discipline, special education, birth dates and home addresses are confidential (FERPA, Wis. Stat. 118.125).",
            "Remove this information before publishing.",
            Severity.Error, PolicyRefs.Confidential, NoAutomaticFix),
        new(RuleIds.CopyrightNotice,
            "Material that may be copyrighted",
            "Rule 4226 requires written consent and attribution for copyrighted material.",
            "Make sure you have permission and credit the owner, or remove it.",
            Severity.Warning, PolicyRefs.Copyright, NoAutomaticFix),
        new(RuleIds.FaceUnverified,
            "A face could not be checked for certain",
            "The face is too small, blurred or turned away to compare with the students who have a media restriction.",
            "Ask someone who knows the students to confirm before publishing, or blur the face.",
            Severity.Warning, PolicyRefs.MediaRestriction, "blur the face in a sanitized copy (when configured)"),
        new(RuleIds.ImageLocation,
            "The photo records where it was taken",
            "The file holds location data that can show where a student lives or goes to school.",
            "Publish the cleaned-up copy: it carries no location or other hidden data.",
            Severity.Note, PolicyRefs.PersonallyIdentifiable, "strip all metadata in a sanitized copy"),
        new(RuleIds.CheckUnavailable,
            "Part of the check could not run",
            "When a check cannot run or a file cannot be read, the post is held back to be safe.",
            "Try again in a few minutes; if it keeps happening, ask a person to review the post.",
            Severity.Warning, PolicyRefs.Safety, NoAutomaticFix),
    ];

    /// <summary>The rule's words; an id the engine does not know gets neutral words rather than an error.</summary>
    public static RuleInfo Find(string ruleId) =>
        All.FirstOrDefault(r => string.Equals(r.Id, ruleId, StringComparison.Ordinal))
        ?? new RuleInfo(ruleId, ruleId, ruleId, "See the finding's message.", Severity.Warning, PolicyRefs.Safety, NoAutomaticFix);
}
