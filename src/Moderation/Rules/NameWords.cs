using Kusd.Moderation.Roster;

namespace Kusd.Moderation.Rules;

/// <summary>Word lists of the name rules (keys: lower case, folded).</summary>
internal static class NameWords
{
    // A word here after a first name makes a place, event or thing, not a child: "Lincoln Elementary", "Field Day".
    public static readonly HashSet<string> NotSurnames = new(StringComparer.Ordinal)
    {
        "elementary", "school", "schools", "academy", "middle", "high", "center", "centre", "library", "hall",
        "street", "st", "avenue", "ave", "road", "rd", "drive", "lane", "boulevard", "blvd", "way", "court", "circle",
        "place", "foundation", "award", "awards", "scholarship", "fund", "memorial", "field", "stadium", "gym",
        "gymnasium", "auditorium", "building", "campus", "room", "university", "college", "institute", "church",
        "county", "district", "prize", "trophy", "cup", "day", "days", "night", "week", "month", "year", "program",
        "club", "society", "house", "grade", "grades", "grader", "graders", "class", "classes", "team", "trip", "fair",
        "show", "concert", "festival", "kindergarten", "kindergartner", "kindergartners", "preschool", "students",
        "student", "teacher", "teachers", "principal", "staff", "families", "family", "parents", "and", "or", "the",
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
        "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
        "spring", "summer", "fall", "autumn", "winter", "christmas", "holiday", "break", "lake", "river", "bay",
        "beach", "zoo", "museum", "theater", "theatre", "arena", "market", "store", "shop", "cafe", "restaurant",
    };

    // Surnames that are also place words: "Liam Park" is a child, "visited Washington Park" a place.
    public static readonly HashSet<string> PlaceSurnames = new(StringComparer.Ordinal)
    {
        "park", "lake", "hill", "hills", "heights", "woods", "grove", "square", "plaza", "valley", "point", "springs",
    };

    public static readonly HashSet<string> PlacePrepositions = new(StringComparer.Ordinal)
    {
        "at", "to", "in", "visited", "visit", "visiting", "near", "from", "the", "toward", "towards", "around",
        "through", "into", "on",
    };

    public static readonly HashSet<string> EverydayWordNames = new(StringComparer.Ordinal)
    {
        "will", "may", "june", "april", "august", "grace", "hope", "faith", "joy", "rose", "summer", "autumn", "winter",
        "art", "bill", "mark", "pat", "sue", "rob", "don", "ray", "dawn", "eve", "lily", "ivy", "holly", "hazel", "daisy",
        "amber", "ruby", "pearl", "jade", "crystal", "olive", "violet", "iris", "sky", "river", "storm", "hunter", "chase",
        "wade", "grant", "dean", "drew", "jack", "frank", "gene", "guy", "sandy", "rusty", "penny", "angel", "honor",
        "king", "earl", "duke", "noble", "sterling", "cash", "page", "field", "star", "sunny", "melody", "harmony",
        "destiny", "journey", "reed", "rich", "miles", "price", "ford", "lane", "gray", "grey", "rocky", "bud", "buck",
        "carol", "glen", "cliff", "dale", "forest", "young", "bob", "sage", "ash", "blue", "rain", "misty", "trinity",
        "unity", "justice", "liberty", "patience", "green", "brown", "white", "black", "long", "short", "hill", "wood",
        "rice", "bell", "park", "best", "little", "street", "day", "knight", "north", "west", "south", "east",
    };

    public static readonly HashSet<string> StudyWords = new(StringComparer.Ordinal)
    {
        "studied", "study", "studying", "studies", "about", "honoring", "honored", "honor", "celebrating",
        "celebrated", "like", "painter", "poet", "inventor", "explorer", "astronaut", "athlete", "singer",
        "composer", "activist", "famous", "biography", "portrait",
    };

    public static readonly HashSet<string> AdultAfter = new(StringComparer.Ordinal)
    {
        "teacher", "teachers", "principal", "aide", "paraprofessional", "coach", "counselor", "librarian", "nurse",
        "secretary", "volunteer", "parent", "mom", "dad", "mother", "father", "grandmother", "grandfather", "author",
        "illustrator", "director", "superintendent", "specialist", "custodian", "staff",
    };

    private static readonly HashSet<string> GradeCues = new(StringComparer.Ordinal)
    {
        "kindergarten", "kindergartner", "kindergartners", "kindergartener", "kindergarteners", "kinder",
        "preschool", "preschooler", "preschoolers", "prek", "4k", "5k", "elementary",
    };

    private static readonly HashSet<string> Ordinals = new(StringComparer.Ordinal)
    {
        "first", "second", "third", "fourth", "fifth", "1st", "2nd", "3rd", "4th", "5th",
    };

    private static readonly HashSet<string> GradeWords = new(StringComparer.Ordinal) { "grade", "grader", "graders", "grades" };

    /// <summary>Marks the tokens that say "elementary": kindergartner, 4K, pre-K, first grade(r) ... 5th grade, elementary.</summary>
    public static bool[] ElementaryCues(List<NameToken> tokens)
    {
        var cues = new bool[tokens.Count];
        for (var i = 0; i < tokens.Count; i++)
        {
            var key = tokens[i].Key;
            var next = i + 1 < tokens.Count && tokens[i + 1].GapBefore == NameGap.Space ? tokens[i + 1].Key : null;
            if (GradeCues.Contains(key)
                || (key == "pre" && next == "k")
                || (Ordinals.Contains(key) && next is not null && GradeWords.Contains(next))
                || (key == "grade" && next is "k" or "1" or "2" or "3" or "4" or "5"))
            {
                cues[i] = true;
            }
        }

        return cues;
    }
}
