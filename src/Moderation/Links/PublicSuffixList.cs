using System.Reflection;

namespace Kusd.Moderation.Links;

/// <summary>
/// The Public Suffix List (https://publicsuffix.org), shipped as an embedded resource (see README.md in
/// this folder for its source package and version). Registrable domains decide how a link is classified:
/// "news.example.co.uk" and "example.co.uk" are one site, "a.blogspot.com" and "b.blogspot.com" are two.
/// </summary>
internal sealed class PublicSuffixList
{
    public const string ResourceName = "Kusd.Moderation.Resources.public_suffix_list.dat";

    private static readonly Lazy<PublicSuffixList> DefaultList = new(LoadEmbedded);

    private readonly HashSet<string> _rules = new(StringComparer.Ordinal);
    private readonly HashSet<string> _wildcards = new(StringComparer.Ordinal);
    private readonly HashSet<string> _exceptions = new(StringComparer.Ordinal);
    private readonly int _maxLabels;

    public PublicSuffixList(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        while (reader.ReadLine() is { } line)
        {
            // A rule is the line up to the first whitespace; comments start with "//".
            var rule = line.Trim();
            var space = rule.IndexOfAny([' ', '\t']);
            if (space >= 0)
            {
                rule = rule[..space];
            }

            if (rule.Length == 0 || rule.StartsWith("//", StringComparison.Ordinal))
            {
                continue;
            }

            rule = rule.ToLowerInvariant();
            _maxLabels = Math.Max(_maxLabels, rule.Count(c => c == '.') + 1);
            if (rule.StartsWith('!'))
            {
                _exceptions.Add(rule[1..]);
            }
            else if (rule.StartsWith("*.", StringComparison.Ordinal))
            {
                _wildcards.Add(rule[2..]);
            }
            else
            {
                _rules.Add(rule);
            }
        }
    }

    public static PublicSuffixList Default => DefaultList.Value;

    public int RuleCount => _rules.Count + _wildcards.Count + _exceptions.Count;

    /// <summary>
    /// The public suffix of a lower-case Unicode host, and whether a listed rule produced it (false when
    /// only the implicit "*" rule applies, i.e. the top-level domain is unknown).
    /// </summary>
    public (string Suffix, bool Known) GetPublicSuffix(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var labels = host.Split('.');

        // No rule is longer than _maxLabels (+1 under a wildcard), so a long host need not be joined from its start.
        for (var i = Math.Max(0, labels.Length - _maxLabels - 1); i < labels.Length; i++)
        {
            var candidate = string.Join('.', labels, i, labels.Length - i);
            if (_exceptions.Contains(candidate))
            {
                return (string.Join('.', labels, i + 1, labels.Length - i - 1), true);
            }

            if (_rules.Contains(candidate))
            {
                return (candidate, true);
            }

            if (i + 1 < labels.Length && _wildcards.Contains(string.Join('.', labels, i + 1, labels.Length - i - 1)))
            {
                return (candidate, true);
            }
        }

        return (labels[^1], false);
    }

    /// <summary>The public suffix plus one label ("example.co.uk"), or null when the host is itself a suffix.</summary>
    public string? GetRegistrableDomain(string host)
    {
        var (suffix, _) = GetPublicSuffix(host);
        if (host.Length <= suffix.Length)
        {
            return null;
        }

        var head = host[..(host.Length - suffix.Length - 1)];
        var dot = head.LastIndexOf('.');
        return dot < 0 ? host : host[(dot + 1)..];
    }

    private static PublicSuffixList LoadEmbedded()
    {
        using var stream = typeof(PublicSuffixList).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing from {Assembly.GetExecutingAssembly().GetName().Name}.");
        using var reader = new StreamReader(stream);
        return new PublicSuffixList(reader);
    }
}
