using Kusd.Moderation.Cli.Commands;
using Kusd.Moderation.Roster;
using Kusd.Moderation.Storage;
using Microsoft.Extensions.Configuration;

namespace Kusd.Moderation.Cli.Checking;

/// <summary>
/// What one <c>check</c> run will do, worked out from the options before anything is checked: the files,
/// the engine settings, the roster, where verdicts come from (the local engine or <c>--server</c>) and
/// the baseline. Every problem with the options is collected, so a run reports all of them at once.
/// </summary>
internal sealed class CheckPlan
{
    private readonly CheckOptions _options;

    private CheckPlan(CheckOptions options) => _options = options;

    public IReadOnlyList<SourceFile> Files { get; private set; } = [];

    public ModerationSettings Settings { get; private set; } = new();

    public RosterSnapshot? Roster { get; private set; }

    public string? DatabasePath { get; private set; }

    public Uri? Server { get; private set; }

    public string? BaselinePath { get; private set; }

    public HashSet<string>? Baseline { get; private set; }

    public FindingPolicy Policy { get; private set; } = FindingPolicy.None;

    /// <summary>Things to tell the user before the run (roster notes); never names.</summary>
    public IReadOnlyList<string> Notes { get; private set; } = [];

    public static CheckPlan Create(CheckOptions options, out List<string> usageErrors)
    {
        ArgumentNullException.ThrowIfNull(options);
        var plan = new CheckPlan(options);
        usageErrors = [];
        plan.Prepare(usageErrors);
        return plan;
    }

    /// <summary>Checks every file with the local engine or the server, several at a time; reports in input order.</summary>
    public async Task<IReadOnlyList<FileReport>> RunAsync(Action? fileDone, CancellationToken cancellationToken)
    {
        if (Server is not null)
        {
            using var remote = new RemoteChecker(Server, _options.ApiKey!);
            return await new CheckRunner(remote.CheckAsync, Settings.Moderation.MaxFieldLength, _options.MaxFileSize, _options.Fix, Policy) { FileDone = fileDone }
                .RunAsync(Files, cancellationToken).ConfigureAwait(false);
        }

        var database = DatabasePath is null ? null : RosterDatabase.Open(DatabasePath);
        IRosterProvider roster = Roster is not null ? new FixedRosterProvider(Roster)
            : database is not null ? database
            : new FixedRosterProvider(RosterSnapshot.Empty);

        // Loading the image models takes about a second: a text-only run skips it.
        using var engine = ModerationEngineBuilder.Build(Settings, roster, database, withImages: Files.Any(f => f.IsImage));
        return await new CheckRunner(engine.Engine, _options.MaxFileSize, _options.Fix, Policy) { FileDone = fileDone }
            .RunAsync(Files, cancellationToken).ConfigureAwait(false);
    }

    private void Prepare(List<string> usageErrors)
    {
        var options = _options;
        var discovery = SourceDiscovery.Discover(options.Paths, options.WorkingDirectory);
        usageErrors.AddRange(discovery.Errors);
        var config = LoadConfig(usageErrors);
        Settings = LoadSettings(config, usageErrors);

        // A website repository's own domain (CNAME, _config.yml url, Hugo baseURL, ...) is not an external site.
        Settings = Kusd.Moderation.Links.SiteDomains.WithSiteDomains(Settings, options.Paths.Select(p => Path.GetFullPath(p, options.WorkingDirectory)).Where(Directory.Exists).DefaultIfEmpty(options.WorkingDirectory));
        Policy = new FindingPolicy(config?.Rules);

        var rosterPath = options.RosterPath is null ? null : Path.GetFullPath(options.RosterPath, options.WorkingDirectory);
        var notes = new List<string>();
        var roster = RosterLoader.Load(rosterPath, options.RosterPath?.Replace('\\', '/') ?? string.Empty, Settings.Moderation, usageErrors, notes);
        Roster = rosterPath is null ? null : roster;
        Notes = notes;
        DatabasePath = options.DatabasePath is null ? null : Path.GetFullPath(options.DatabasePath, options.WorkingDirectory);
        if (DatabasePath is not null && !File.Exists(DatabasePath))
        {
            usageErrors.Add($"{options.DatabasePath}: roster database not found.");
        }

        PrepareBaseline(usageErrors);
        PrepareServer(usageErrors);

        var files = discovery.Files;
        if (config is not null)
        {
            var excludes = config.CreateExcludes();
            files = [.. files.Where(f => !excludes.IsExcluded(f.FullPath))];
        }

        if (options.ChangedSince is { } revision)
        {
            var changed = ChangedFiles.Since(revision, options.WorkingDirectory, out var gitError);
            if (changed is null)
            {
                usageErrors.Add($"--changed-since {revision}: {gitError}");
            }
            else
            {
                files = [.. files.Where(f => changed.Contains(f.FullPath))];
            }
        }

        Files = files;
    }

    private RepositoryConfig? LoadConfig(List<string> usageErrors)
    {
        var options = _options;
        var configPath = options.ConfigPath is null
            ? RepositoryConfig.Find(options.Paths, options.WorkingDirectory)
            : Path.GetFullPath(options.ConfigPath, options.WorkingDirectory);
        if (configPath is null)
        {
            return null;
        }

        if (!File.Exists(configPath))
        {
            usageErrors.Add($"{options.ConfigPath}: config file not found.");
            return null;
        }

        return RepositoryConfig.Load(configPath, options.ConfigPath ?? Path.GetRelativePath(options.WorkingDirectory, configPath).Replace('\\', '/'), usageErrors);
    }

    /// <summary>The API's settings format (<c>--settings</c>), then the repository config's lists on top.</summary>
    private ModerationSettings LoadSettings(RepositoryConfig? config, List<string> usageErrors)
    {
        var settings = new ModerationSettings();
        if (_options.SettingsPath is { } path)
        {
            var fullPath = Path.GetFullPath(path, _options.WorkingDirectory);
            if (!File.Exists(fullPath))
            {
                usageErrors.Add($"{path}: settings file not found.");
            }
            else
            {
                try
                {
                    settings = ModerationSettings.FromConfiguration(new ConfigurationBuilder().AddJsonFile(fullPath, optional: false).Build());
                    usageErrors.AddRange(settings.Validate().Select(e => $"{path}: {e}"));
                }
                catch (Exception ex) when (ex is InvalidDataException or FormatException or InvalidOperationException or IOException)
                {
                    usageErrors.Add($"{path}: not valid settings ({ex.GetType().Name}: {ex.Message}).");
                }
            }
        }

        return config is null ? settings : config.ApplyTo(settings);
    }

    private void PrepareBaseline(List<string> usageErrors)
    {
        var options = _options;
        BaselinePath = options.BaselinePath is null ? null : Path.GetFullPath(options.BaselinePath, options.WorkingDirectory);
        if (BaselinePath is not null && !options.UpdateBaseline)
        {
            try
            {
                Baseline = Checking.Baseline.Read(BaselinePath);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Text.Json.JsonException or InvalidDataException)
            {
                usageErrors.Add($"{options.BaselinePath}: cannot read the baseline ({ex.GetType().Name}).");
            }
        }
        else if (options.UpdateBaseline && BaselinePath is null)
        {
            usageErrors.Add("--update-baseline needs --baseline FILE.");
        }
    }

    private void PrepareServer(List<string> usageErrors)
    {
        var options = _options;
        if (options.Server is null)
        {
            return;
        }

        if (!Uri.TryCreate(options.Server.EndsWith('/') ? options.Server : options.Server + "/", UriKind.Absolute, out var server)
            || server.Scheme is not ("http" or "https"))
        {
            usageErrors.Add($"--server {options.Server}: not an http(s) URL.");
        }
        else
        {
            Server = server;
        }

        if (string.IsNullOrWhiteSpace(options.ApiKey))
        {
            usageErrors.Add($"--server needs an API key in the {RemoteChecker.KeyVariable} environment variable.");
        }

        if (options.RosterPath is not null || options.DatabasePath is not null)
        {
            usageErrors.Add("--server checks with the server's roster: leave out --roster and --db.");
        }

        if (options.SettingsPath is not null)
        {
            usageErrors.Add("--server checks with the server's settings: leave out --settings.");
        }
    }
}
