using Kusd.Moderation.Models.Faces;

namespace Kusd.Moderation.Models.Tests;

/// <summary>Loads the models once for a test class; the analyzer is thread-safe.</summary>
public sealed class FaceAnalyzerFixture : IDisposable
{
    public FaceAnalyzer Analyzer { get; } = new(new FaceOptions());

    public void Dispose() => Analyzer.Dispose();
}

/// <summary>Test photos fetched by tests/data/fetch-photos.sh from public packages (never committed).</summary>
internal static class Photos
{
    public static byte[] Read(string name)
    {
        var path = Path.Combine(Directory(), name);
        return File.Exists(path)
            ? File.ReadAllBytes(path)
            : throw new FileNotFoundException($"Test photo {name} is missing: run tests/data/fetch-photos.sh first.", path);
    }

    private static string Directory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Kusd.Moderation.sln")))
            {
                return Path.Combine(dir.FullName, "tests", "data", "photos");
            }
        }

        throw new DirectoryNotFoundException("Kusd.Moderation.sln not found above the test output; run the tests from the repository.");
    }
}
