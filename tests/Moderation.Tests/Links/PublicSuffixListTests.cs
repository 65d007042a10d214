using Kusd.Moderation.Links;

namespace Kusd.Moderation.Tests.Links;

public sealed class PublicSuffixListTests
{
    [Fact]
    public void TheShippedListIsTheFullList()
    {
        Assert.True(PublicSuffixList.Default.RuleCount > 9000, $"Only {PublicSuffixList.Default.RuleCount} rules were loaded.");
    }

    [Theory]
    [InlineData("www.example.com", "example.com")]
    [InlineData("news.bbc.co.uk", "bbc.co.uk")]
    [InlineData("lincoln.kenosha.k12.wi.us", "kenosha.k12.wi.us")]
    [InlineData("jane.blogspot.com", "jane.blogspot.com")]
    [InlineData("a.b.city.kawasaki.jp", "city.kawasaki.jp")]
    [InlineData("x.y.kawasaki.jp", "x.y.kawasaki.jp")]
    [InlineData("kusd.edu", "kusd.edu")]
    [InlineData("bücher.de", "bücher.de")]
    public void RegistrableDomainsFollowTheListRules(string host, string expected)
    {
        Assert.Equal(expected, PublicSuffixList.Default.GetRegistrableDomain(host));
    }

    [Theory]
    [InlineData("co.uk")]
    [InlineData("com")]
    [InlineData("k12.wi.us")]
    public void APublicSuffixHasNoRegistrableDomain(string host)
    {
        Assert.Null(PublicSuffixList.Default.GetRegistrableDomain(host));
    }

    [Fact]
    public void AnUnknownTopLevelDomainIsReportedAsUnknown()
    {
        Assert.False(PublicSuffixList.Default.GetPublicSuffix("server.intranetlocal").Known);
        Assert.True(PublicSuffixList.Default.GetPublicSuffix("example.com").Known);
    }
}
