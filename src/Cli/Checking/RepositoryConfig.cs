using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Kusd.Moderation.Cli.Checking;

/// <summary>
/// <c>.kusd-moderation.json</c>: what a content repository tells the check. Example:
/// <code>{ "districtDomains": ["kusd.edu"], "studentEmailDomains": ["students.kusd.edu"],
///   "allowedLinkHosts": ["pta.example.org"], "exclude": ["drafts/", "**/*.txt"],
///   "rules": { "link/external": "off", "substance/text": "error" } }</code>
/// Lists left out keep the engine's defaults. Excludes are gitignore-style globs relative to the file's folder.
/// </summary>
internal sealed record RepositoryConfig
{
    public const string FileName = ".kusd-moderation.json";

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public IList<string>? DistrictDomains { get; init; }

    public IList<string>? StudentEmailDomains { get; init; }

    public IList<string>? AllowedLinkHosts { get; init; }

    public IList<string> Exclude { get; init; } = [];

    /// <summary>Rule id to <c>off</c>, <c>error</c>, <c>warning</c> or <c>note</c>.</summary>
    public IDictionary<string, string> Rules { get; init; } = new Dictionary<string, string>();

    /// <summary>The folder the excludes are relative to.</summary>
    [JsonIgnore]
    public string BaseDirectory { get; init; } = string.Empty;

    [JsonIgnore]
    public string? SourcePath { get; init; }

    /// <summary>The nearest config above the first path, or none.</summary>
    public static string? Find(IReadOnlyList<string> paths, string workingDirectory)
    {
        var first = Path.GetFullPath(paths.Count > 0 ? paths[0] : ".", workingDirectory);
        var start = Directory.Exists(first) ? first : Path.GetDirectoryName(first);
        for (var dir = start is null ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Join(dir.FullName, FileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>The config, or null with the reason added to <paramref name="errors"/>.</summary>
    public static RepositoryConfig? Load(string path, string displayPath, List<string> errors)
    {
        try
        {
            var config = JsonSerializer.Deserialize<RepositoryConfig>(File.ReadAllText(path), JsonOptions) ?? new RepositoryConfig();
            foreach (var (rule, level) in config.Rules)
            {
                if (!RuleIds.All.Contains(rule, StringComparer.Ordinal))
                {
                    errors.Add($"{displayPath}: unknown rule '{rule}' (known: {string.Join(", ", RuleIds.All)}).");
                }

                if (level is not ("off" or "error" or "warning" or "note"))
                {
                    errors.Add($"{displayPath}: rule '{rule}' must be off, error, warning or note.");
                }
            }

            return config with { BaseDirectory = Path.GetDirectoryName(Path.GetFullPath(path))!, SourcePath = path };
        }
        catch (JsonException ex)
        {
            errors.Add($"{displayPath}: not a valid config ({ex.Message}).");
            return null;
        }
    }

    /// <summary>The settings with this repository's lists in place of theirs (lists left out keep the settings' values).</summary>
    public ModerationSettings ApplyTo(ModerationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var engine = settings.Moderation;
        return new ModerationSettings
        {
            Moderation = new ModerationOptions
            {
                DistrictDomains = DistrictDomains ?? engine.DistrictDomains,
                StudentEmailDomains = StudentEmailDomains ?? engine.StudentEmailDomains,
                AllowedLinkHosts = AllowedLinkHosts ?? engine.AllowedLinkHosts,
                OfficeContact = engine.OfficeContact,
                BlankMediaRestrictionMeans = engine.BlankMediaRestrictionMeans,
                CheckerTimeout = engine.CheckerTimeout,
                MaxFieldLength = engine.MaxFieldLength,
                MaxFindingsPerRule = engine.MaxFindingsPerRule,
                MaxFindingsPerCheck = engine.MaxFindingsPerCheck,
            },
            Images = settings.Images,
            Faces = settings.Faces,
            FaceMatching = settings.FaceMatching,
            AzureContentSafety = settings.AzureContentSafety,
        };
    }

    public ExcludeMatcher CreateExcludes() => new(BaseDirectory, Exclude);
}

/// <summary>gitignore-style globs: <c>*</c> within a segment, <c>**</c> across segments, a trailing <c>/</c> for folders, no slash = any depth.</summary>
internal sealed class ExcludeMatcher
{
    private readonly string _baseDirectory;
    private readonly List<Regex> _patterns;

    public ExcludeMatcher(string baseDirectory, IEnumerable<string> globs)
    {
        _baseDirectory = baseDirectory;
        _patterns = [.. globs.Where(g => !string.IsNullOrWhiteSpace(g) && !g.StartsWith('#')).Select(ToRegex)];
    }

    public bool IsExcluded(string fullPath)
    {
        if (_patterns.Count == 0)
        {
            return false;
        }

        var relative = Path.GetRelativePath(_baseDirectory, fullPath).Replace('\\', '/');
        return !relative.StartsWith("../", StringComparison.Ordinal) && _patterns.Any(p => p.IsMatch(relative));
    }

    private static Regex ToRegex(string glob)
    {
        var pattern = glob.Trim().Replace('\\', '/');
        var folder = pattern.EndsWith('/');
        pattern = pattern.TrimEnd('/');
        var anchored = pattern.Contains('/', StringComparison.Ordinal);
        pattern = pattern.TrimStart('/');
        var body = new System.Text.StringBuilder();
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                var slash = i + 2 < pattern.Length && pattern[i + 2] == '/';
                body.Append(slash ? "(.*/)?" : ".*");
                i += slash ? 2 : 1;
            }
            else
            {
                body.Append(c switch
                {
                    '*' => "[^/]*",
                    '?' => "[^/]",
                    _ => Regex.Escape(c.ToString()),
                });
            }
        }

        // A match on a folder excludes everything below it; a pattern without '/' matches at any depth.
        var regex = (anchored ? "^" : "^(.*/)?") + body + (folder ? "/" : "(/|$)");
        return new Regex(regex, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
    }
}
