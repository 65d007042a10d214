using System.Text.RegularExpressions;

namespace Kusd.Moderation.Links;

/// <summary>
/// The domains a website repository publishes itself at, read from the files its generator and host use: GitHub
/// Pages' <c>CNAME</c>, Jekyll's <c>_config.yml</c> <c>url</c>, Hugo's <c>baseURL</c>, a CMS's <c>site_url</c> or
/// <c>display_url</c>, <c>package.json</c>'s <c>homepage</c>. A link from a site to its own pages is not a link to
/// another website; on the real-content sites, without this, a fifth of the remaining link findings were the
/// site's own address (newsletters linking the school's homepage).
/// </summary>
public static class SiteDomains
{
    private const int MaxDepth = 3;
    private const long MaxFileBytes = 256 * 1024;

    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    // A top-level setting whose value is the site's address: url: / baseURL = / site_url: / "homepage": ...
    private static readonly Regex Setting = new(
        @"^[ \t]*""?(?:url|baseurl|base_url|site_url|siteurl|display_url|homepage|site)""?[ \t]*[:=][ \t]*[""']?(?<url>https?://[^\s""',]+)",
        RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.IgnoreCase | RegexOptions.Multiline,
        MatchTimeout);

    private static readonly HashSet<string> ConfigNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "_config.yml", "_config.yaml", "config.toml", "config.yml", "config.yaml", "hugo.toml", "hugo.yml",
        "hugo.yaml", "package.json", "netlify.toml",
    };

    private static readonly HashSet<string> SkippedFolders = new(StringComparer.OrdinalIgnoreCase) { "node_modules", "bin", "obj", "_site", "public", "dist", "vendor" };

    /// <summary>The hosts (without "www.") a repository under <paramref name="root"/> says it is published at.</summary>
    public static IReadOnlyList<string> Discover(string root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var hosts = new SortedSet<string>(StringComparer.Ordinal);
        if (!Directory.Exists(root))
        {
            return [];
        }

        var folders = new Queue<(string Path, int Depth)>();
        folders.Enqueue((root, 0));
        while (folders.Count > 0)
        {
            var (folder, depth) = folders.Dequeue();
            IEnumerable<string> entries;
            try
            {
                entries = Directory.EnumerateFileSystemEntries(folder).ToList();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            foreach (var entry in entries)
            {
                var name = Path.GetFileName(entry);
                if (Directory.Exists(entry))
                {
                    if (depth < MaxDepth && !name.StartsWith('.') && !SkippedFolders.Contains(name) && new DirectoryInfo(entry).LinkTarget is null)
                    {
                        folders.Enqueue((entry, depth + 1));
                    }

                    continue;
                }

                if (name == "CNAME" || ConfigNames.Contains(name))
                {
                    Read(entry, name == "CNAME", hosts);
                }
            }
        }

        return [.. hosts];
    }

    /// <summary>Settings whose district domains also hold the site's own (nothing changes when there are none).</summary>
    public static ModerationSettings WithSiteDomains(ModerationSettings settings, IEnumerable<string> roots)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(roots);
        var own = roots.SelectMany(Discover).Where(h => !settings.Moderation.DistrictDomains.Contains(h, StringComparer.OrdinalIgnoreCase)).Distinct(StringComparer.Ordinal).ToList();
        if (own.Count == 0)
        {
            return settings;
        }

        var m = settings.Moderation;
        return new ModerationSettings
        {
            Moderation = new ModerationOptions
            {
                DistrictDomains = [.. m.DistrictDomains, .. own],
                StudentEmailDomains = m.StudentEmailDomains,
                AllowedLinkHosts = m.AllowedLinkHosts,
                OfficeContact = m.OfficeContact,
                BlankMediaRestrictionMeans = m.BlankMediaRestrictionMeans,
                CheckerTimeout = m.CheckerTimeout,
                MaxFieldLength = m.MaxFieldLength,
                MaxFindingsPerRule = m.MaxFindingsPerRule,
                MaxFindingsPerCheck = m.MaxFindingsPerCheck,
            },
            Images = settings.Images,
            Faces = settings.Faces,
            FaceMatching = settings.FaceMatching,
            AzureContentSafety = settings.AzureContentSafety,
        };
    }

    private static void Read(string path, bool isCname, SortedSet<string> hosts)
    {
        string text;
        try
        {
            if (new FileInfo(path).Length > MaxFileBytes)
            {
                return;
            }

            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return;
        }

        if (isCname)
        {
            var line = text.Split('\n', 2)[0].Trim();
            Add(line.Contains("://", StringComparison.Ordinal) ? line : "https://" + line, hosts);
            return;
        }

        foreach (Match m in Setting.Matches(text))
        {
            Add(m.Groups["url"].Value, hosts);
        }
    }

    private static void Add(string url, SortedSet<string> hosts)
    {
        if (UrlExtractor.ParseTarget(url) is not { IsIpAddress: false } parsed || parsed.AsciiHost is "localhost" || !parsed.AsciiHost.Contains('.', StringComparison.Ordinal))
        {
            return;
        }

        // A site published on a blog or site-builder host, or a social profile, is not the district's domain.
        var host = parsed.AsciiHost.StartsWith("www.", StringComparison.Ordinal) ? parsed.AsciiHost[4..] : parsed.AsciiHost;
        var probe = new LinkClassifier(new ModerationOptions { DistrictDomains = ["invalid.invalid"] }, PublicSuffixList.Default).Classify(parsed);
        if (probe.Class is LinkClass.Personal or LinkClass.Shortener or LinkClass.Unknown)
        {
            return;
        }

        hosts.Add(host);
    }
}
