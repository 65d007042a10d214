namespace Kusd.Moderation.Api.Infrastructure;

/// <summary>
/// Where the service keeps its data (the SQLite database of student names, the face-template key and the first
/// admin key), and the page it serves. Neither may depend on the folder the server was started from: a data
/// folder that lands in a source tree is one <c>git add .</c> away from publishing students' names.
/// </summary>
public static class DataLocation
{
    /// <summary>Setting that allows a data folder inside a git work tree (a developer who really wants it there).</summary>
    public const string AllowInsideGitWorkTreeKey = "Storage:AllowDataInsideGitWorkTree";

    public const string DataDirectoryKey = "Storage:DataDirectory";

    /// <summary>
    /// The one default place: the user's local application data folder (<c>~/.local/share/kusd-moderation</c> on
    /// Linux, or <c>$XDG_DATA_HOME/kusd-moderation</c>; <c>%LOCALAPPDATA%\kusd-moderation</c> on Windows), never
    /// the working directory. Containers set <c>--Storage:DataDirectory /data</c> on a volume.
    /// </summary>
    public static string Default
    {
        get
        {
            var root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
            if (string.IsNullOrEmpty(root))
            {
                // No HOME (a bare service account): the temp folder is at least outside any source tree.
                root = Path.GetTempPath();
            }

            return Path.Combine(root, "kusd-moderation");
        }
    }

    /// <summary>
    /// Resolves the configured data folder to a full path, refuses a folder inside a git work tree unless allowed,
    /// creates it with a <c>.gitignore</c> of <c>*</c> (so git ignores it wherever it ends up) and writes the full
    /// path back into the configuration, so every reader sees the same folder.
    /// </summary>
    /// <exception cref="DataLocationException">The folder is inside a git work tree and that was not allowed.</exception>
    public static string Prepare(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var configured = configuration[DataDirectoryKey];
        var path = Path.GetFullPath(string.IsNullOrWhiteSpace(configured) ? Default : configured);
        var allow = bool.TryParse(configuration[AllowInsideGitWorkTreeKey], out var allowed) && allowed;
        var workTree = FindGitWorkTree(path);
        if (workTree is not null && !allow)
        {
            throw new DataLocationException(
                $"The data folder {path} is inside the git work tree {workTree}. It would hold the admin key, the " +
                $"face-template key and a database of student names, one 'git add' away from being published. " +
                $"Start without --{DataDirectoryKey} to use {Default}, choose a folder outside the repository, or " +
                $"pass --{AllowInsideGitWorkTreeKey} true if you really mean it.");
        }

        // Only its owner may list the folder of student names and keys.
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var ignore = Path.Combine(path, ".gitignore");
        if (!File.Exists(ignore))
        {
            File.WriteAllText(ignore, "# Written by Kusd.Moderation: this folder holds keys and student names; git must never track it.\n*\n");
        }

        configuration[DataDirectoryKey] = path;
        return path;
    }

    /// <summary>The nearest folder at or above <paramref name="path"/> holding a <c>.git</c> folder or file (worktrees have a file).</summary>
    public static string? FindGitWorkTree(string path)
    {
        for (var dir = new DirectoryInfo(Path.GetFullPath(path)); dir is not null; dir = dir.Parent)
        {
            var git = Path.Combine(dir.FullName, ".git");
            if (Directory.Exists(git) || File.Exists(git))
            {
                return dir.FullName;
            }
        }

        return null;
    }

    /// <summary>
    /// The page's folder: <c>wwwroot</c> beside the app's own assembly (the build and publish copy it there), unless
    /// <c>--webroot</c> says otherwise. The default, relative to the working directory, gave a 404 at <c>/</c>
    /// whenever the DLL was started from anywhere but the project folder.
    /// </summary>
    public static WebApplicationOptions HostOptions(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var named = args.Any(a => a.StartsWith("--webroot", StringComparison.OrdinalIgnoreCase)) ||
            !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_WEBROOT"));
        var besideApp = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        return new WebApplicationOptions
        {
            Args = args,
            WebRootPath = named || !Directory.Exists(besideApp) ? null : besideApp,
        };
    }
}

/// <summary>The data folder is somewhere the service refuses to write.</summary>
public sealed class DataLocationException : Exception
{
    public DataLocationException()
    {
    }

    public DataLocationException(string message)
        : base(message)
    {
    }

    public DataLocationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
