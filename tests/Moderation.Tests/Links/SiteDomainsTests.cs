using Kusd.Moderation.Links;

namespace Kusd.Moderation.Tests.Links;

public sealed class SiteDomainsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("site-domains-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private void Write(string path, string text)
    {
        var full = Path.Combine(_root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
    }

    [Fact]
    public void TheSiteDomainIsReadFromCnameJekyllHugoCmsAndPackageSettings()
    {
        Write("CNAME", "www.lincolnelementary.org\n");
        Write("_config.yml", "title: Lincoln\nurl: \"https://lincoln-pto.org\"\nbaseurl: /news\ntwitter_url: https://twitter.com/lincoln\n");
        Write("site/config.toml", "baseURL = 'https://lincolnschool.example.net/'\n");
        Write("static/admin/config.yml", "backend:\n  name: git-gateway\nsite_url: https://www.lincoln.sch.uk\n");
        Write("package.json", "{ \"name\": \"site\", \"homepage\": \"https://lincoln.github.io/site\" }");

        Assert.Equal(["lincoln-pto.org", "lincoln.sch.uk", "lincolnelementary.org", "lincolnschool.example.net"], SiteDomains.Discover(_root));
    }

    [Fact]
    public void ANoConfigFolderHasNoSiteDomainAndTheSettingsStayAsTheyWere()
    {
        Write("posts/a.md", "url: https://shopmart.com\n");
        var settings = new ModerationSettings();

        Assert.Empty(SiteDomains.Discover(_root));
        Assert.Same(settings, SiteDomains.WithSiteDomains(settings, [_root]));
    }

    [Fact]
    public void TheSiteDomainJoinsTheDistrictDomainsAndKeepsEveryOtherSetting()
    {
        Write("CNAME", "lincolnelementary.org");
        var settings = new ModerationSettings { Moderation = new ModerationOptions { OfficeContact = "the office", MaxFindingsPerRule = 7 } };

        var result = SiteDomains.WithSiteDomains(settings, [_root]);

        Assert.Equal(["kusd.edu", "lincolnelementary.org"], result.Moderation.DistrictDomains);
        Assert.Equal("the office", result.Moderation.OfficeContact);
        Assert.Equal(7, result.Moderation.MaxFindingsPerRule);
    }
}
