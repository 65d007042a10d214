namespace Kusd.Moderation.Cli.Reporting;

/// <summary>What each rule id means, for SARIF rule descriptors (GitHub shows them beside every alert).</summary>
internal static class RuleCatalog
{
    public sealed record RuleInfo(string Id, string ShortDescription, string FullDescription, string Help, Severity DefaultSeverity);

    public static IReadOnlyList<RuleInfo> All { get; } =
    [
        new(RuleIds.MediaRestrictionFace, "Face of a student with a media restriction",
            "An image shows a face that matches a student whose family filed a media restriction.",
            "Remove the photo or blur the face (the region is given). " + PolicyRefs.MediaRestriction + ".", Severity.Error),
        new(RuleIds.MediaRestrictionName, "Name of a student with a media restriction",
            "The text names a student whose family filed a media restriction.",
            "Remove the name. " + PolicyRefs.MediaRestriction + ".", Severity.Error),
        new(RuleIds.StudentNameElementary, "Full name of an elementary student",
            "Elementary students may be named by first name and last initial only.",
            "Shorten the name to first name and last initial (--fix does it). " + PolicyRefs.PersonallyIdentifiable + ".", Severity.Error),
        new(RuleIds.EmailStudent, "Student or family email address",
            "The text contains the email address of a student or a family member.",
            "Remove the address; use a district address instead. " + PolicyRefs.Email + ".", Severity.Error),
        new(RuleIds.LinkExternal, "Link to a personal or commercial website",
            "A link points outside the district's sites and the allowed hosts.",
            "Remove the link or ask for the host to be allowed. " + PolicyRefs.Links + ".", Severity.Warning),
        new(RuleIds.ExplicitText, "Explicit or obscene language",
            "The text contains sexually explicit, obscene or pornographic language.",
            "Remove the wording. " + PolicyRefs.Explicit + ".", Severity.Error),
        new(RuleIds.ExplicitImage, "Explicit image",
            "An image is likely sexually explicit or pornographic.",
            "Remove the image. " + PolicyRefs.Explicit + ".", Severity.Error),
        new(RuleIds.SubstanceText, "Alcohol, drug or tobacco use in text",
            "The text depicts or promotes alcohol, drug or tobacco use.",
            "Rewrite or remove the passage. " + PolicyRefs.Substances + ".", Severity.Warning),
        new(RuleIds.SubstanceImage, "Alcohol, drug or tobacco use in an image",
            "An image depicts alcohol, drug or tobacco use.",
            "Remove the image. " + PolicyRefs.Substances + ".", Severity.Warning),
        new(RuleIds.FerpaConfidential, "Confidential student information",
            "The text discloses confidential student records (grades, health, discipline, attendance).",
            "Remove the information. " + PolicyRefs.Confidential + ".", Severity.Error),
        new(RuleIds.CopyrightNotice, "Copyrighted material",
            "The content carries a copyright notice of a third party.",
            "Get consent and attribute, or remove it. " + PolicyRefs.Copyright + ".", Severity.Warning),
        new(RuleIds.FaceUnverified, "Face that cannot be verified",
            "A face is too small, blurred or turned to be compared with the media-restriction roster.",
            "A person must check the face against the restricted students, or blur it.", Severity.Warning),
        new(RuleIds.ImageLocation, "Location in image metadata",
            "The image file carries GPS coordinates or a location.",
            "Strip the metadata before publishing.", Severity.Warning),
        new(RuleIds.CheckUnavailable, "Check could not run",
            "A checker failed or was not configured, so part of the content was not checked.",
            "A person must review the content. " + PolicyRefs.Safety + ".", Severity.Warning),
    ];

    public static RuleInfo Find(string ruleId) =>
        All.FirstOrDefault(r => string.Equals(r.Id, ruleId, StringComparison.Ordinal))
        ?? new RuleInfo(ruleId, ruleId, ruleId, "See the finding's message.", Severity.Warning);
}
