namespace Kusd.Moderation.TestSupport;

/// <summary>Real photos that Debian and npm packages ship, fetched by tests/data/fetch-photos.sh (never committed).</summary>
public static class TestPhotos
{
    public const string GraceHopper = "grace_hopper_512x512.jpg";
    public const string Astronaut = "astronaut.png";
    public const string Group = "sample1.jpg";
    public const string NoFace = "640px-IceBlockNearJoekullsarlon.jpg";

    public static readonly IReadOnlyList<string> All =
    [
        "grace_hopper_512x512.jpg", "640px-IceBlockNearJoekullsarlon.jpg", "astronaut.png", "chelsea.png", "coffee.png",
        "camera.png", "page.png", "sample1.jpg", "sample2.jpg", "sample3.jpg", "sample4.jpg", "sample5.jpg", "sample6.jpg",
    ];

    public static string Directory => RepositoryRoot.Combine("tests", "data", "photos");

    public static string PathOf(string name)
    {
        var path = System.IO.Path.Combine(Directory, name);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"Test photo {name} is missing: run tests/data/fetch-photos.sh first.", path);
    }

    public static byte[] Read(string name) => File.ReadAllBytes(PathOf(name));
}
