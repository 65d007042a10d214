namespace Kusd.Moderation.TestSupport;

/// <summary>The checkout the tests run from: the folder that holds Kusd.Moderation.sln.</summary>
public static class RepositoryRoot
{
    private static readonly Lazy<string> Root = new(Find);

    public static string Path => Root.Value;

    public static string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Kusd.Moderation.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Kusd.Moderation.sln not found above the test output.");
    }
}
