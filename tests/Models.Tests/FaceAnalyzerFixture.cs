using Kusd.Moderation.Models.Faces;

namespace Kusd.Moderation.Models.Tests;

/// <summary>Loads the models once for a test class; the analyzer is thread-safe.</summary>
public sealed class FaceAnalyzerFixture : IDisposable
{
    public FaceAnalyzer Analyzer { get; } = new(new FaceOptions());

    public void Dispose() => Analyzer.Dispose();
}
