using Kusd.Moderation.Roster;
using Kusd.Moderation.Text;

namespace Kusd.Moderation.Tests.Rosters;

public sealed class NameIndexTests
{
    private static List<NameToken> Tokens(string text) => NameTokenizer.Tokenize(TextSegment.Identity(SegmentKind.Visible, text).Normalized);

    [Fact]
    public void TheIndexIsBuiltOncePerSnapshot()
    {
        var snapshot = new RosterSnapshot(new Kusd.Moderation.Roster.Roster([new Person { Id = "S1", GivenName = "Emma", FamilyName = "Kowalski", Grade = new Grade(2) }]));

        Assert.Same(snapshot.Names, snapshot.Names);
        Assert.Equal(3, snapshot.Names.PhraseCount);
    }

    [Theory]
    [InlineData("O'Brien", "obrien", null)]
    [InlineData("O\u2019Brien", "obrien", null)]
    [InlineData("Kowalski's", "kowalskis", "kowalski")]
    [InlineData("Kowalski\u2019s", "kowalskis", "kowalski")]
    [InlineData("Kowalskis'", "kowalskis", "kowalski")]
    [InlineData("MUÑOZ", "munoz", null)]
    [InlineData("Łukasz", "lukasz", null)]
    public void WordsFoldToOneKey(string word, string key, string? possessive)
    {
        var token = Assert.Single(Tokens(word));

        Assert.Equal(key, token.Key);
        Assert.Equal(possessive, token.PossessiveKey);
    }

    [Fact]
    public void HyphenJoinsAndSentencePunctuationBreaks()
    {
        var tokens = Tokens("Garcia-Lopez, Mateo. Next - then");

        Assert.Equal(["garcia", "lopez", "mateo", "next", "then"], tokens.Select(t => t.Key));
        Assert.Equal([NameGap.Break, NameGap.Space, NameGap.Comma, NameGap.Period, NameGap.Break], tokens.Select(t => t.GapBefore));
    }

    [Fact]
    public void MatchingALargeRosterFindsOnlyThePeopleNamed()
    {
        // 50,000 people; two share each family name. The post names two of them, and one pairing nobody has.
        string[] givens = ["Emma", "Liam", "Olivia", "Noah", "Ava", "Mason", "Sophia", "Lucas", "Mia", "Ethan"];
        var people = new List<Person>();
        for (var i = 0; i < 50_000; i++)
        {
            people.Add(new Person { Id = $"S{i}", GivenName = givens[i % givens.Length], FamilyName = $"Family{i / 2}", Grade = new Grade(i % 12 + 1) });
        }

        people.Add(new Person { Id = "E", GivenName = "Emma", FamilyName = "Kowalski", Grade = new Grade(2) });
        var index = new NameIndex(new Kusd.Moderation.Roster.Roster(people));

        var matches = index.Match(Tokens("Emma Kowalski and Olivia Family4321 met Emma Family4321 and Kowalski."));

        Assert.Equal(2, matches.Count);
        Assert.Equal("E", index.People[Assert.Single(matches[0].Entries).Person].Id);
        Assert.Equal("S8642", index.People[Assert.Single(matches[1].Entries).Person].Id);
    }
}
