using System.Collections.Frozen;

namespace Kusd.Moderation.Rules;

/// <summary>
/// Words that say a name belongs to an adult or a role, shared by every rule that asks "is this a person, and is
/// it a student?": the name rules (a title before a name means an adult: "Mrs. Nowak", "Coach Dan Ortiz") and the
/// FERPA rule (whose confidential terms count only near a student). One list, so the rules never disagree about
/// whether "Principal Lee" is a child.
/// </summary>
internal static class PersonWords
{
    /// <summary>Titles and roles, lower case; look-ups ignore case.</summary>
    public static readonly FrozenSet<string> Titles = FrozenSet.ToFrozenSet(
    [
        "mr", "mrs", "ms", "miss", "mx", "dr", "mister", "madam", "madame", "sir", "prof", "professor", "rev",
        "reverend", "fr", "father", "pastor", "coach", "principal", "teacher", "superintendent",
        "counselor", "counsellor", "librarian", "nurse", "secretary", "director", "dean", "judge", "senator", "mayor",
        "governor", "representative", "rep", "captain", "capt", "sgt", "officer", "deputy", "chief", "chef", "custodian",
        "paraprofessional", "para", "aide", "volunteer", "parent", "mom", "dad", "mother", "grandmother", "grandfather",
        "grandma", "grandpa", "author", "illustrator", "guest", "speaker", "visitor", "firefighter", "artist", "musician",
        "scientist", "member", "trustee", "president", "specialist", "interventionist", "therapist", "psychologist",
        "assistant", "associate", "administrator", "staff", "alumnus", "alumna", "alum", "commissioner", "sheriff",
    ], StringComparer.OrdinalIgnoreCase);
}
