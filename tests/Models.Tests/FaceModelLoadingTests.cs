using Kusd.Moderation.Models.Faces;
using Kusd.Moderation.Models.Images;
using Kusd.Moderation.Models.Onnx;

namespace Kusd.Moderation.Models.Tests;

public sealed class FaceModelLoadingTests
{
    [Fact]
    public void ModelFileWithOtherInputsFailsAtLoadNamingTheInput()
    {
        var landmarkModel = ModelPaths.Resolve(FaceLandmarker.FileName);
        using var gate = new InferenceGate(1);

        var ex = Assert.Throws<InvalidOperationException>(() => new BlazeFaceDetector(landmarkModel, new OnnxRuntimeOptions(), gate));

        Assert.Contains("input:0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingModelFileNamesTheFileAndFolder()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => ModelPaths.Resolve("no_such_model.onnx"));

        Assert.Contains("no_such_model.onnx", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ModelsAreCopiedBesideTheTests()
    {
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "models", UltraFaceDetector.FileName)));
    }

    [Fact]
    public void AnalyzerRejectsBytesThatAreNotAnImage()
    {
        using var analyzer = new FaceAnalyzer();

        var ex = Assert.Throws<ImageRejectedException>(() => analyzer.Analyze("not a photo"u8.ToArray()));

        Assert.Equal(ImageRejection.UnknownFormat, ex.Reason);
    }
}
