using System.Globalization;
using System.Text;

namespace Kusd.Moderation.Links;

internal enum LinkClass
{
    /// <summary>District, .gov/.edu/.mil/k12, or a configured allow-list entry.</summary>
    Allowed,

    /// <summary>Blog and site-builder hosts, link-in-bio pages and social-media profiles.</summary>
    Personal,

    /// <summary>A URL shortener: where it leads is unknown until someone follows it.</summary>
    Shortener,

    /// <summary>Any other site under a commercial top-level domain (.com, .shop, .co.uk, ...).</summary>
    Commercial,

    /// <summary>
    /// Any other site under a top-level domain that is not commercial on its face (.org, .net, .org.uk, most country
    /// codes): nonprofits, public-interest sites, also businesses; a person must judge it.
    /// </summary>
    Unverified,

    /// <summary>No public domain at all (an IP address, an intranet name): a person must look.</summary>
    Unknown,
}

internal sealed record LinkClassification(LinkClass Class, string Message)
{
    public bool ImitatesAllowedHost { get; init; }
}

/// <summary>
/// Classifies a link by its host (and, for allow-list entries and social networks, its path), following
/// DESIGN.md "Defaults": allowed (district, .gov, .edu, .mil, K-12 namespaces, public bodies under country codes
/// such as gov.uk and nhs.uk, the allow list), personal, shortener, commercial (an unknown host under a
/// commercial TLD), unverified (an unknown host under any other TLD, such as .org: a person judges it).
/// </summary>
internal sealed class LinkClassifier
{
    // Blog, site-builder and link-in-bio hosts: a page there is someone's own site.
    private static readonly string[] PersonalHosts =
    [
        "blogspot.com", "blogger.com", "wordpress.com", "wixsite.com", "wix.com", "editorx.io", "weebly.com",
        "weeblysite.com", "medium.com", "substack.com", "github.io", "gitlab.io", "sites.google.com", "linktr.ee",
        "tumblr.com", "squarespace.com", "carrd.co", "about.me", "webs.com", "jimdosite.com", "jimdofree.com",
        "neocities.org", "godaddysites.com", "mystrikingly.com", "strikingly.com", "ghost.io", "site123.me",
        "yolasite.com", "tripod.com", "angelfire.com", "livejournal.com", "typepad.com", "mailchimpsites.com",
        "notion.site", "canva.site", "my.canva.site", "glitch.me", "netlify.app", "vercel.app", "pages.dev",
        "web.app", "firebaseapp.com", "herokuapp.com", "beacons.ai", "bio.link", "lnk.bio", "campsite.bio",
        "taplink.cc", "solo.to", "withkoji.com", "gofundme.com", "venmo.com", "cash.app", "paypal.me",
    ];

    // Social networks: any page below the front page (a profile, a post, a channel) is someone's.
    private static readonly string[] SocialHosts =
    [
        "facebook.com", "fb.com", "instagram.com", "tiktok.com", "x.com", "twitter.com", "youtube.com", "youtu.be",
        "linkedin.com", "pinterest.com", "snapchat.com", "threads.net", "threads.com", "reddit.com", "twitch.tv",
        "patreon.com", "soundcloud.com", "vimeo.com", "flickr.com", "bsky.app", "mastodon.social", "discord.gg",
        "discord.com", "nextdoor.com", "vsco.co", "tumblr.com",
    ];

    // Pages of a social network that belong to nobody in particular.
    private static readonly HashSet<string> SocialGenericPaths = new(StringComparer.OrdinalIgnoreCase)
    {
        "", "about", "help", "legal", "privacy", "policies", "policy", "terms", "tos", "login", "signup",
        "settings", "search", "explore", "hashtag", "home",
    };

    private static readonly string[] Shorteners =
    [
        "bit.ly", "bitly.com", "tinyurl.com", "t.co", "goo.gl", "ow.ly", "is.gd", "buff.ly", "rebrand.ly", "cutt.ly",
        "shorturl.at", "tiny.cc", "lnkd.in", "t.ly", "rb.gy", "s.id", "v.gd", "bl.ink", "bit.do", "qrco.de",
        "fb.me", "amzn.to", "ift.tt", "dlvr.it", "trib.al", "soo.gd", "adf.ly", "shorte.st", "x.co", "tr.im",
        "po.st", "su.pr", "smarturl.it", "lnk.to", "tiny.one", "1url.com", "surl.li", "clck.ru",
    ];

    // Top-level domains that say "business": an unknown site under one of them is commercial on its face. Taken
    // from the registries' own descriptions of these TLDs (generic commercial and sales TLDs) plus the ones the
    // link corpus and the real-content sites link to (.com dominates both). Anything else is Unverified.
    private static readonly HashSet<string> CommercialTlds = new(StringComparer.Ordinal)
    {
        "com", "biz", "shop", "store", "online", "site", "website", "app", "io", "co", "ai", "tech", "club", "xyz",
        "inc", "llc", "ltd", "company", "business", "sale", "deals", "market", "money", "buzz", "top", "me", "tv",
        "ly", "gg", "cc", "ws", "fm", "to", "link", "click", "bio", "page", "live", "media", "agency", "studio",
        "services", "solutions", "shopping", "boutique", "cafe", "restaurant", "bar", "beer", "wine", "casino", "bet",
    };

    // Second-level domains that mean "company" under a country code: example.co.uk, example.com.au.
    private static readonly HashSet<string> CommercialSecondLevels = new(StringComparer.Ordinal) { "co", "com", "ltd", "plc", "biz", "net" };

    // Second-level domains of public bodies and schools under a country code (or .scot, .wales): gov.uk,
    // nhs.uk, sch.uk, ac.uk, police.uk, gov.scot, gc.ca, govt.nz, gouv.fr, gob.mx, edu.au, k12 namespaces.
    // They are what .gov and .edu are in the US, which DESIGN allows without review.
    private static readonly HashSet<string> PublicSecondLevels = new(StringComparer.Ordinal)
    {
        "gov", "gouv", "govt", "gob", "edu", "ac", "sch", "mil", "nhs", "police", "k12", "gc", "school",
        "parliament", "mod",
    };

    // Media and file stores that content systems upload a site's own files to (Decap/Netlify CMS, WordPress
    // offload, Contentful): a link to a document or image there is the school's own file, not another website.
    private static readonly string[] FileStoreHosts =
    [
        "res.cloudinary.com", "s3.amazonaws.com", "amazonaws.com", "cloudfront.net", "googleusercontent.com",
        "storage.googleapis.com", "blob.core.windows.net", "imgix.net", "ctfassets.net", "cdn.sanity.io",
    ];

    // Files, not pages: documents, images, audio and video.
    private static readonly HashSet<string> FileExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".rtf", ".txt", ".csv", ".jpg", ".jpeg",
        ".png", ".gif", ".webp", ".svg", ".heic", ".mp3", ".mp4", ".m4a", ".mov", ".webm", ".zip",
    };

    // Scripts whose letters pass for Latin ones in a host name. Anything else non-ASCII is compared as is.
    private static readonly Dictionary<char, char> Confusables = new()
    {
        ['а'] = 'a', ['в'] = 'b', ['е'] = 'e', ['ё'] = 'e', ['і'] = 'i', ['ї'] = 'i', ['ј'] = 'j', ['к'] = 'k',
        ['м'] = 'm', ['н'] = 'h', ['о'] = 'o', ['р'] = 'p', ['с'] = 'c', ['т'] = 't', ['у'] = 'y', ['х'] = 'x',
        ['ѕ'] = 's', ['ԁ'] = 'd', ['ԛ'] = 'q', ['ԝ'] = 'w', ['ӏ'] = 'l', ['һ'] = 'h', ['ɡ'] = 'g', ['ı'] = 'i',
        ['ȷ'] = 'j', ['ɑ'] = 'a', ['ɩ'] = 'i', ['ʏ'] = 'y', ['α'] = 'a', ['β'] = 'b', ['ε'] = 'e', ['ι'] = 'i',
        ['κ'] = 'k', ['ν'] = 'v', ['ο'] = 'o', ['ρ'] = 'p', ['τ'] = 't', ['υ'] = 'u', ['χ'] = 'x', ['ϲ'] = 'c',
        ['ϳ'] = 'j', ['ѵ'] = 'v', ['ԍ'] = 'g', ['ո'] = 'n', ['ս'] = 'u', ['օ'] = 'o', ['ց'] = 'g', ['զ'] = 'q',
    };

    private readonly PublicSuffixList _suffixes;
    private readonly string[] _districtDomains;
    private readonly (string Host, string? PathPrefix)[] _allowed;

    public LinkClassifier(ModerationOptions options, PublicSuffixList suffixes)
    {
        ArgumentNullException.ThrowIfNull(options);
        _suffixes = suffixes ?? throw new ArgumentNullException(nameof(suffixes));
        _districtDomains = [.. options.DistrictDomains.Select(d => NormalizeHost(d)).Where(d => d.Length > 0)];
        _allowed = [.. options.AllowedLinkHosts.Select(ParseAllowEntry).Where(e => e.Host.Length > 0)];
    }

    public LinkClassification Classify(LinkUrl url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var host = url.Host;
        var disguise = url.HasUserInfo
            ? " The text before \"@\" in it only disguises where the link really goes."
            : string.Empty;

        if (url.IsIpAddress)
        {
            return new(LinkClass.Unknown, "Link to a bare IP address: its destination is unknown; a person must check it." + disguise);
        }

        // Checked before the allow rules: a Cyrillic "kusd.edu" still ends in a real ".edu" or ".gov" now and then.
        if (ImitatedAllowedHost(host) is { } imitated)
        {
            return new(LinkClass.Commercial, $"Link to a host that imitates {imitated} with look-alike characters: it is not that site, and links to commercial or personal websites are not allowed.")
            {
                ImitatesAllowedHost = true,
            };
        }

        if (IsAllowed(host, url.Path) || IsStoredFile(host, url.Path))
        {
            return new(LinkClass.Allowed, string.Empty);
        }

        if (_districtDomains.FirstOrDefault(d => host.StartsWith(d + ".", StringComparison.Ordinal) || host.Contains("." + d + ".", StringComparison.Ordinal)) is not null)
        {
            return new(LinkClass.Commercial, "Link to a host that imitates the district's domain (the district's name is only part of another site's name); links to commercial or personal websites are not allowed." + disguise)
            {
                ImitatesAllowedHost = true,
            };
        }

        if (MatchesAny(host, Shorteners))
        {
            return new(LinkClass.Shortener, "Shortened link: its destination is unknown until a person checks where it leads." + disguise);
        }

        if (IsBlogspot(host) || MatchesAny(host, PersonalHosts))
        {
            return new(LinkClass.Personal, "Link to a personal website (a blog, site-builder or link-in-bio host); Rule 4226 does not allow links to personal websites." + disguise);
        }

        if (MatchesAny(host, SocialHosts))
        {
            var first = url.Path.Trim('/').Split('/')[0];
            return SocialGenericPaths.Contains(first)
                ? new(LinkClass.Commercial, "Link to a commercial website (a social network); it is not on the district's allow list." + disguise)
                : new(LinkClass.Personal, "Link to a social-media profile or page that is not on the district's allow list; Rule 4226 treats it as a personal website." + disguise);
        }

        var (_, known) = _suffixes.GetPublicSuffix(host);
        if (!known || _suffixes.GetRegistrableDomain(host) is null)
        {
            return new(LinkClass.Unknown, "Link to a host outside any public domain: its destination is unknown; a person must check it." + disguise);
        }

        if (IsCommercialSuffix(host))
        {
            return new(LinkClass.Commercial, "Link to a commercial website; Rule 4226 does not allow it unless the site is on the district's allow list." + disguise);
        }

        return new(LinkClass.Unverified, "Link to a site that is not the district's or a public body's (not a commercial domain on its face, such as .org): a person must judge whether it is commercial or personal, or add it to the allow list." + disguise);
    }

    private static bool IsStoredFile(string host, string path) =>
        MatchesAny(host, FileStoreHosts) && FileExtensions.Contains(Path.GetExtension(path));

    private static bool IsCommercialSuffix(string host)
    {
        var labels = host.Split('.');
        var tld = labels[^1];
        return CommercialTlds.Contains(tld)
            || (labels.Length >= 3 && tld.Length == 2 && CommercialSecondLevels.Contains(labels[^2]));
    }

    private bool IsAllowed(string host, string path)
    {
        if (MatchesAny(host, _districtDomains))
        {
            return true;
        }

        var labels = host.Split('.');
        if (labels.Length >= 2 && labels[^1] is "gov" or "edu" or "mil")
        {
            return true;
        }

        if (labels.Length >= 2 && PublicSecondLevels.Contains(labels[^2]) && (labels[^1].Length == 2 || labels[^1] is "scot" or "wales" or "cymru"))
        {
            return true;
        }

        // State K-12 namespaces: lincoln.kenosha.k12.wi.us and the like in every state.
        if (labels.Length >= 4 && labels[^1] == "us" && labels[^3] == "k12" && labels[^2].Length == 2)
        {
            return true;
        }

        foreach (var (allowedHost, prefix) in _allowed)
        {
            if (IsSameOrSubdomain(host, allowedHost) && (prefix is null || PathStartsWith(path, prefix)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The allowed domain a non-ASCII host imitates, or null.</summary>
    private string? ImitatedAllowedHost(string host)
    {
        if (host.All(char.IsAscii))
        {
            return null;
        }

        var skeleton = Skeleton(host);
        if (skeleton == host)
        {
            return null;
        }

        if (MatchesAny(skeleton, _districtDomains))
        {
            return "the district's domain";
        }

        return _allowed.Any(a => IsSameOrSubdomain(skeleton, a.Host)) ? "a site on the district's allow list" : null;
    }

    private static string Skeleton(string host)
    {
        var sb = new StringBuilder(host.Length);
        foreach (var c in host.Normalize(NormalizationForm.FormKD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.Format)
            {
                continue;
            }

            var lower = char.ToLowerInvariant(c);
            sb.Append(Confusables.TryGetValue(lower, out var latin) ? latin : lower);
        }

        return sb.ToString();
    }

    private static bool IsBlogspot(string host)
    {
        // blogspot.com has a copy under most country codes (blogspot.co.uk, blogspot.de, ...).
        var labels = host.Split('.');
        return Array.IndexOf(labels, "blogspot") is var i && i >= 0 && labels.Length - i is 2 or 3;
    }

    private static bool MatchesAny(string host, IEnumerable<string> domains) => domains.Any(d => IsSameOrSubdomain(host, d));

    private static bool IsSameOrSubdomain(string host, string domain) =>
        host.Equals(domain, StringComparison.Ordinal)
        || (host.Length > domain.Length && host.EndsWith(domain, StringComparison.Ordinal) && host[host.Length - domain.Length - 1] == '.');

    private static bool PathStartsWith(string path, string prefix)
    {
        var p = path.TrimEnd('/');
        return p.Equals(prefix, StringComparison.OrdinalIgnoreCase)
            || (p.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && p[prefix.Length] == '/');
    }

    /// <summary>"facebook.com/KenoshaUnified", "https://www.example.org/", "*.example.org" -> host and optional path prefix.</summary>
    internal static (string Host, string? PathPrefix) ParseAllowEntry(string entry)
    {
        var e = entry.Trim();
        var scheme = e.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            e = e[(scheme + 3)..];
        }

        var slash = e.IndexOf('/', StringComparison.Ordinal);
        var host = NormalizeHost(slash < 0 ? e : e[..slash]);
        if (host.StartsWith("www.", StringComparison.Ordinal))
        {
            host = host[4..];
        }

        var prefix = slash < 0 ? null : "/" + e[(slash + 1)..].Trim('/');
        return (host, prefix is null or "/" ? null : prefix);
    }

    private static string NormalizeHost(string host)
    {
        var h = host.Trim().TrimStart('*').Trim('.').ToLowerInvariant();
        if (h.Contains("xn--", StringComparison.Ordinal))
        {
            try
            {
                h = new IdnMapping().GetUnicode(h);
            }
            catch (ArgumentException)
            {
                // Keep the entry as written.
            }
        }

        return h;
    }
}
