namespace Kusd.Moderation.Cli.Tests;

/// <summary>The package-shipped photos of tests/data/photos (run tests/data/fetch-photos.sh first).</summary>
public static class TestPhotos
{
    public const string GraceHopper = "grace_hopper_512x512.jpg";
    public const string Astronaut = "astronaut.png";
    public const string Group = "sample1.jpg";
    public const string NoFace = "640px-IceBlockNearJoekullsarlon.jpg";

    public static string RepositoryRoot { get; } = FindRoot();

    public static byte[] Read(string name)
    {
        var path = Path.Combine(RepositoryRoot, "tests", "data", "photos", name);
        return File.Exists(path)
            ? File.ReadAllBytes(path)
            : throw new FileNotFoundException($"Test photo {name} is missing: run tests/data/fetch-photos.sh first.", path);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Kusd.Moderation.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Kusd.Moderation.sln not found above the test assembly.");
    }
}
