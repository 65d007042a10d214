using System.Text.Json;
using Microsoft.ML.OnnxRuntime;

namespace Kusd.Moderation.ModelConverter;

/// <summary>
/// Runs a converted model in ONNX Runtime on the inputs reference.mjs wrote and compares with the
/// outputs the original tfjs code produced for them.
/// </summary>
internal static class OnnxChecker
{
    /// <summary>Returns the largest absolute difference over all reference inputs.</summary>
    public static double MaxAbsDifference(string modelPath, string referenceJson, bool channelsFirst, float inputDivisor, float inputOffset = 0f)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(referenceJson));
        var folder = Path.GetDirectoryName(Path.GetFullPath(referenceJson))!;
        using var session = new InferenceSession(modelPath);
        var inputName = session.InputNames.Single();
        var outputName = session.OutputNames.Single();
        var worst = 0.0;
        foreach (var item in doc.RootElement.GetProperty("inputs").EnumerateArray())
        {
            var height = item.GetProperty("height").GetInt32();
            var width = item.GetProperty("width").GetInt32();
            var pixels = File.ReadAllBytes(Path.Combine(folder, item.GetProperty("file").GetString()!));
            var expected = item.GetProperty("output").EnumerateArray().Select(v => v.GetDouble()).ToArray();

            var data = new float[pixels.Length];
            for (var y = 0; y < height; y++)
            {
                for (var x = 0; x < width; x++)
                {
                    for (var c = 0; c < 3; c++)
                    {
                        var src = (((y * width) + x) * 3) + c;
                        var dst = channelsFirst ? (((c * height) + y) * width) + x : src;
                        // Divide, as tfjs does, so the float32 inputs are bit-identical.
                        data[dst] = (pixels[src] - inputOffset) / inputDivisor;
                    }
                }
            }

            long[] shape = channelsFirst ? [1, 3, height, width] : [1, height, width, 3];
            using var input = OrtValue.CreateTensorValueFromMemory(data, shape);
            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, [inputName], [input], [outputName]);
            var actual = outputs[0].GetTensorDataAsSpan<float>();
            if (actual.Length != expected.Length)
            {
                throw new InvalidDataException($"output has {actual.Length} values, reference has {expected.Length}");
            }

            var diff = 0.0;
            for (var i = 0; i < actual.Length; i++)
            {
                diff = Math.Max(diff, Math.Abs(actual[i] - expected[i]));
            }

            Console.WriteLine($"{item.GetProperty("file").GetString()}: max abs difference {diff:E2}, {MedianMilliseconds(session, inputName, outputName, input):F1} ms");
            worst = Math.Max(worst, diff);
        }

        return worst;
    }

    // One inference on this machine after warm-up, median of 9: a sanity figure, not a benchmark.
    private static double MedianMilliseconds(InferenceSession session, string inputName, string outputName, OrtValue input)
    {
        using var runOptions = new RunOptions();
        var times = new List<double>();
        for (var i = 0; i < 10; i++)
        {
            var start = System.Diagnostics.Stopwatch.GetTimestamp();
            using var outputs = session.Run(runOptions, [inputName], [input], [outputName]);
            if (i > 0)
            {
                times.Add(System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }

        times.Sort();
        return times[times.Count / 2];
    }
}
