using System.Globalization;
using System.Text.RegularExpressions;

namespace Kusd.Moderation.Links;

/// <summary>A URL found in text: characters [Start, End) of the text it was found in, and its parsed form.</summary>
internal readonly record struct UrlOccurrence(int Start, int End, LinkUrl Url);

/// <summary>A parsed absolute web URL; <see cref="Host"/> is lower-case Unicode (punycode decoded).</summary>
internal sealed record LinkUrl(string Host, string AsciiHost, string Path, bool HasUserInfo, bool IsIpAddress);

/// <summary>Finds web URLs in visible text and reads link targets (href/src).</summary>
internal static class UrlExtractor
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    private const RegexOptions Options = RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.IgnoreCase;

    private static readonly Regex SchemeUrl = new(@"\b(?:https?|ftp)://[^\s<>""'`]+", Options, MatchTimeout);

    private static readonly Regex WwwUrl = new(@"\bwww\d{0,3}\.[^\s<>""'`]+", Options, MatchTimeout);

    // host.tld[:port][/path]; labels may be Unicode (IDN and look-alike hosts).
    private static readonly Regex BareUrl = new(
        @"\b[\p{L}\p{N}](?:[\p{L}\p{N}\-]*[\p{L}\p{N}])?(?:\.[\p{L}\p{N}](?:[\p{L}\p{N}\-]*[\p{L}\p{N}])?)+(?::[0-9]{1,5})?(?:/[^\s<>""'`]*)?",
        Options,
        MatchTimeout);

    // Addresses are the email rule's business: their domains are not links.
    private static readonly Regex EmailLike = new(@"[\p{L}\p{N}._%+\-]+@[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)+", Options, MatchTimeout);

    private static readonly Regex AtBefore = new(@"(?:[\[\(\{<]\s*at\s*[\]\)\}>]|@|&#0*64;|&#x0*40;|%40)\s*$", Options, MatchTimeout);

    private static readonly Regex AtAfter = new(@"^\s*(?:[\[\(\{<]\s*at\s*[\]\)\}>]|\s+at\s+[\p{L}\p{N}\-]+\s*(?:[\[\(\{<]\s*dot\s*[\]\)\}>]|\s+dot\s+))", Options, MatchTimeout);

    private static readonly Regex HasScheme = new(@"^[a-z][a-z0-9+.\-]*:", Options, MatchTimeout);

    // Top-level domains that are also common file extensions: "notes.md" and "logo.ai" are files, not sites,
    // unless a path follows.
    private static readonly HashSet<string> FileLikeTlds = new(StringComparer.Ordinal)
    {
        "ai", "cc", "cs", "md", "mov", "mp", "pl", "ps", "py", "rs", "sh", "so", "zip", "doc", "pdf", "txt",
    };

    // Top-level domains people type in prose without "www." or a path ("see pbskids.org", "bbc.co.uk"): the
    // generic ones and the country codes that are not also everyday words or code (".it", ".is", ".in", ".id",
    // ".to", ".me", ".at" end identifiers such as "user.id" far more often than sites). Identifiers such as
    // config.name, page.date and document.email end in TLDs nobody types bare, so they are not links.
    private static readonly HashSet<string> TypedTlds = new(StringComparer.Ordinal)
    {
        "com", "org", "net", "edu", "gov", "mil", "int", "info", "biz", "us", "uk", "ca", "au", "nz", "ie", "io",
        "co", "tv", "ly", "gg", "ee", "fm", "de", "fr", "es", "nl", "ch", "se", "dk", "fi", "pl", "pt", "cz", "jp",
        "cn", "kr", "tw", "hk", "sg", "br", "mx", "ar", "cl", "za", "eu", "ru", "ua", "gr", "hu", "ro", "tr", "il",
        "shop", "store", "app", "dev", "online", "site", "blog", "news",
    };

    /// <summary>
    /// The URLs in prose: with a scheme, starting "www.", a registrable host followed by a path, or a bare host
    /// under a TLD people type. With <paramref name="schemeOrWwwOnly"/> (text read from an image) only the first
    /// two count: host names in a screenshot of technical text are not links.
    /// </summary>
    public static List<UrlOccurrence> FindInText(string text, PublicSuffixList suffixes, bool schemeOrWwwOnly = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var found = new List<UrlOccurrence>();
        // Characters already part of a URL or an address: a later, looser pattern must not read them again.
        var taken = new bool[text.Length];
        foreach (Match m in SchemeUrl.Matches(text))
        {
            Add(m, text, requireKnownSuffix: false);
        }

        // After the full URLs, so that "https://kusd.edu@evil.com" is still read as a URL.
        foreach (Match m in EmailLike.Matches(text))
        {
            taken.AsSpan(m.Index, m.Length).Fill(true);
        }

        foreach (Match m in WwwUrl.Matches(text))
        {
            Add(m, text, requireKnownSuffix: false);
        }

        if (!schemeOrWwwOnly)
        {
            foreach (Match m in BareUrl.Matches(text))
            {
                Add(m, text, requireKnownSuffix: true);
            }
        }

        found.Sort((a, b) => a.Start.CompareTo(b.Start));
        return found;

        void Add(Match m, string source, bool requireKnownSuffix)
        {
            var start = m.Index;
            var end = start + TrimmedLength(source.AsSpan(start, m.Length));
            if (end <= start || taken.AsSpan(start, end - start).Contains(true))
            {
                return;
            }

            var candidate = source[start..end];
            if (requireKnownSuffix && (!LooksLikeBareHost(candidate, suffixes) || IsPartOfObfuscatedAddress(source, start, end)))
            {
                return;
            }

            var absolute = HasScheme.IsMatch(candidate) && candidate.Contains("://", StringComparison.Ordinal) ? candidate : "http://" + candidate;
            if (TryParse(absolute) is { } url)
            {
                taken.AsSpan(start, end - start).Fill(true);
                found.Add(new UrlOccurrence(start, end, url));
            }
        }
    }

    /// <summary>
    /// A link target (href, src) as a web URL, or null when it is not one that leaves the page: relative
    /// paths, #anchors, mailto:, tel:, javascript: and the like.
    /// </summary>
    public static LinkUrl? ParseTarget(string target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var t = target.Trim();
        if (t.StartsWith("//", StringComparison.Ordinal))
        {
            return TryParse("https:" + t);
        }

        if (HasScheme.IsMatch(t))
        {
            var scheme = t[..t.IndexOf(':', StringComparison.Ordinal)].ToLowerInvariant();
            return scheme is "http" or "https" or "ftp" ? TryParse(t) : null;
        }

        // "www.example.com" without a scheme is a broken relative link, but its author meant the site.
        return t.StartsWith("www.", StringComparison.OrdinalIgnoreCase) ? TryParse("http://" + t) : null;
    }

    /// <summary>How much of a raw match is the URL: sentence punctuation and unbalanced closing brackets go.</summary>
    internal static int TrimmedLength(ReadOnlySpan<char> s)
    {
        var end = s.Length;
        while (end > 0)
        {
            var c = s[end - 1];
            if (c is '.' or ',' or ';' or ':' or '!' or '?' or '\'' or '"' or '*' or '…' or '’' or '”' or '>')
            {
                end--;
            }
            else if (c is ')' or ']' or '}')
            {
                // Wikipedia-style "Foo_(bar)" keeps its bracket; "(see x.com)" loses it.
                var open = c switch { ')' => '(', ']' => '[', _ => '{' };
                var span = s[..end];
                if (span.Count(open) >= span.Count(c))
                {
                    break;
                }

                end--;
                if (end < s.Length - 16)
                {
                    // A long run of closing brackets is not a URL ending worth counting again and again.
                    break;
                }
            }
            else
            {
                break;
            }
        }

        return end;
    }

    // "nguyen.thao(at)gmail.com" and "becker.family at gmail dot com" are addresses for the email rule.
    private static bool IsPartOfObfuscatedAddress(string text, int start, int end) =>
        AtBefore.IsMatch(text.AsSpan(Math.Max(0, start - 12), Math.Min(start, 12)))
        || AtAfter.IsMatch(text.AsSpan(end, Math.Min(text.Length - end, 40)));

    private static bool LooksLikeBareHost(string candidate, PublicSuffixList suffixes)
    {
        var slash = candidate.IndexOf('/', StringComparison.Ordinal);
        var hostPart = slash < 0 ? candidate : candidate[..slash];
        var colon = hostPart.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            hostPart = hostPart[..colon];
        }

        // DNS names are at most 253 characters: anything longer is not a host (and would be costly to look up).
        if (hostPart.Length > 253)
        {
            return false;
        }

        var tld = hostPart[(hostPart.LastIndexOf('.') + 1)..];

        // "Mr.Smith", "won.It" and "3.5" are prose: a bare host is typed with a lower-case top-level domain.
        if (!tld.Any(char.IsLetter) || tld.Any(char.IsUpper))
        {
            return false;
        }

        if (slash < 0 && (FileLikeTlds.Contains(tld) || !TypedTlds.Contains(tld)))
        {
            return false;
        }

        var host = hostPart.ToLowerInvariant();
        var (_, known) = suffixes.GetPublicSuffix(host);
        return known && suffixes.GetRegistrableDomain(host) is not null;
    }

    private static LinkUrl? TryParse(string absolute)
    {
        if (!Uri.TryCreate(absolute, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https" or "ftp"))
        {
            return null;
        }

        string ascii;
        try
        {
            ascii = uri.IdnHost.TrimEnd('.').ToLowerInvariant();
        }
        catch (InvalidOperationException)
        {
            return null;
        }

        if (ascii.Length is 0 or > 253)
        {
            return null;
        }

        var isIp = uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6;
        var unicode = ascii;
        if (!isIp)
        {
            try
            {
                unicode = new IdnMapping().GetUnicode(ascii).ToLowerInvariant();
            }
            catch (ArgumentException)
            {
                // Malformed punycode: classify by the ASCII form.
            }
        }

        string path;
        try
        {
            path = Uri.UnescapeDataString(uri.AbsolutePath);
        }
        catch (UriFormatException)
        {
            path = uri.AbsolutePath;
        }

        return new LinkUrl(unicode, ascii, path, uri.UserInfo.Length > 0, isIp);
    }
}
