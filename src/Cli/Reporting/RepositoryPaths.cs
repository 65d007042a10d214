namespace Kusd.Moderation.Cli.Reporting;

/// <summary>Paths as the repository knows them: relative to the git root, forward slashes.</summary>
internal sealed class RepositoryPaths
{
    private RepositoryPaths(string root) => Root = root;

    public string Root { get; }

    /// <summary>The nearest folder above <paramref name="workingDirectory"/> holding <c>.git</c>, else the folder itself.</summary>
    public static RepositoryPaths For(string workingDirectory)
    {
        for (var dir = new DirectoryInfo(workingDirectory); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Join(dir.FullName, ".git")) || File.Exists(Path.Join(dir.FullName, ".git")))
            {
                return new RepositoryPaths(dir.FullName);
            }
        }

        return new RepositoryPaths(workingDirectory);
    }

    public string Relative(string fullPath) => Path.GetRelativePath(Root, fullPath).Replace('\\', '/');

    /// <summary>A relative URI reference: each segment percent-encoded, so spaces and '#' survive.</summary>
    public string Uri(string fullPath) => string.Join('/', Relative(fullPath).Split('/').Select(System.Uri.EscapeDataString));
}
