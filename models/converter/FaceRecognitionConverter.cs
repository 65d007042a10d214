namespace Kusd.Moderation.ModelConverter;

/// <summary>
/// Rebuilds face-api.js's FaceRecognitionNet (dlib's ResNet-34 face descriptor) as an ONNX graph,
/// following @vladmandic/face-api 1.7.15 src/faceRecognitionNet/ op for op, so outputs match tfjs:
/// conv (+bias) then a per-channel scale/offset (dlib's folded batch norm), residual blocks whose
/// down-sampling shortcut is a 2x2 average pool zero-padded to the new channel count, a global mean
/// and a 256x128 fully connected layer. ONNX is NCHW where tfjs is NHWC; the filters are transposed.
/// </summary>
internal sealed class FaceRecognitionConverter
{
    // face-api's FaceRecognitionNet.forwardInput: normalize(x, meanRgb).div(255).
    private static readonly float[] MeanRgb = [122.782f, 117.001f, 104.298f];
    private const int InputSize = 150;

    private readonly Dictionary<string, WeightTensor> _weights;
    private readonly OnnxGraphBuilder _g = new("dlib_resnet34_face_descriptor");
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    private FaceRecognitionConverter(Dictionary<string, WeightTensor> weights)
    {
        _weights = weights;
    }

    /// <summary>Converts the manifest (with its .bin beside it) into an ONNX file.</summary>
    public static void Convert(string manifestPath, string outputPath)
    {
        var converter = new FaceRecognitionConverter(TfjsWeights.ReadManifest(manifestPath));
        OnnxGraphBuilder.Save(converter.BuildModel(), outputPath);
    }

    private Onnx.ModelProto BuildModel()
    {
        _g.AddInput("input", 1, 3, InputSize, InputSize);
        var mean = _g.Constant("mean_rgb", MeanRgb, 1, 3, 1, 1);
        var divisor = _g.Constant("divisor", [255f], 1);
        var x = _g.Node("Sub", ["input", mean]);
        x = _g.Node("Div", [x, divisor]);

        x = ConvLayer(x, "conv32_down", stride: 2, relu: true, same: false);
        x = _g.Node("MaxPool", [x], [OnnxGraphBuilder.Ints("kernel_shape", 3, 3), OnnxGraphBuilder.Ints("strides", 2, 2)]);

        // Spatial sizes through the net (150 input): 72 after the 7x7/2 conv, 35 after the pool,
        // then 17, 8, 4 and 2 after each down-sampling block.
        var size = 35;
        x = Residual(x, "conv32_1");
        x = Residual(x, "conv32_2");
        x = Residual(x, "conv32_3");
        (x, size) = ResidualDown(x, "conv64_down", size, 32, 64);
        x = Residual(x, "conv64_1");
        x = Residual(x, "conv64_2");
        x = Residual(x, "conv64_3");
        (x, size) = ResidualDown(x, "conv128_down", size, 64, 128);
        x = Residual(x, "conv128_1");
        x = Residual(x, "conv128_2");
        (x, size) = ResidualDown(x, "conv256_down", size, 128, 256);
        x = Residual(x, "conv256_1");
        x = Residual(x, "conv256_2");
        (x, _) = ResidualDown(x, "conv256_down_out", size, 256, 256);

        x = _g.Node("GlobalAveragePool", [x]);
        x = _g.Node("Flatten", [x], [OnnxGraphBuilder.Int("axis", 1)]);
        var fc = Take("fc");
        _g.Node("MatMul", [x, _g.Constant("fc", fc.Values, fc.Shape[0], fc.Shape[1])], output: "output");
        _g.AddOutput("output", 1, 128);

        var unused = _weights.Keys.Where(k => !_used.Contains(k)).ToList();
        if (unused.Count > 0)
        {
            throw new InvalidDataException($"weights not used by the graph: {string.Join(", ", unused)}");
        }

        return _g.Build("dlib ResNet-34 face descriptor (face-api.js FaceRecognitionNet weights from @vladmandic/face-api@1.7.15). " +
            "Input: 1x3x150x150 RGB 0..255 of an aligned face chip. Output: 128-d descriptor, compare by Euclidean distance.");
    }

    private string Residual(string x, string prefix)
    {
        var outp = ConvLayer(x, $"{prefix}/conv1", stride: 1, relu: true, same: true);
        outp = ConvLayer(outp, $"{prefix}/conv2", stride: 1, relu: false, same: true);
        return _g.Node("Relu", [_g.Node("Add", [outp, x])]);
    }

    private (string Output, int Size) ResidualDown(string x, string prefix, int size, int inChannels, int outChannels)
    {
        var outp = ConvLayer(x, $"{prefix}/conv1", stride: 2, relu: true, same: false);
        outp = ConvLayer(outp, $"{prefix}/conv2", stride: 1, relu: false, same: true);

        // tfjs 'valid' sizes: a 3x3/2 conv gives ceil((n-2)/2), a 2x2/2 pool gives ceil((n-1)/2).
        var convSize = (size - 3 + 2) / 2;
        var poolSize = (size - 2 + 2) / 2;
        var pooled = _g.Node("AveragePool", [x], [OnnxGraphBuilder.Ints("kernel_shape", 2, 2), OnnxGraphBuilder.Ints("strides", 2, 2)]);
        if (poolSize != convSize)
        {
            // face-api appends one zero row and one zero column to the conv branch when the sizes differ.
            outp = Pad(outp, $"{prefix}/pad_hw", 0, 0, 0, 0, 0, 0, poolSize - convSize, poolSize - convSize);
        }

        if (inChannels != outChannels)
        {
            // The shortcut gets zero channels appended (concat with zeros on the channel axis).
            pooled = Pad(pooled, $"{prefix}/pad_c", 0, 0, 0, 0, 0, outChannels - inChannels, 0, 0);
        }

        return (_g.Node("Relu", [_g.Node("Add", [pooled, outp])]), poolSize);
    }

    private string Pad(string x, string name, params long[] pads) =>
        _g.Node("Pad", [x, _g.ConstantInt64(name, pads)], [OnnxGraphBuilder.String("mode", "constant")]);

    private string ConvLayer(string x, string prefix, int stride, bool relu, bool same)
    {
        var filters = Take($"{prefix}/conv/filters");
        var bias = Take($"{prefix}/conv/bias");
        var scale = Take($"{prefix}/scale/weights");
        var offset = Take($"{prefix}/scale/biases");
        int kh = filters.Shape[0], kw = filters.Shape[1], cin = filters.Shape[2], cout = filters.Shape[3];

        var attributes = new List<Onnx.AttributeProto>
        {
            OnnxGraphBuilder.Ints("kernel_shape", kh, kw),
            OnnxGraphBuilder.Ints("strides", stride, stride),
        };
        if (same)
        {
            // Only stride-1 convs use 'same' here, so the padding is symmetric.
            attributes.Add(OnnxGraphBuilder.Ints("pads", kh / 2, kw / 2, kh / 2, kw / 2));
        }

        var w = _g.Constant($"{prefix}/conv/filters", HwioToOihw(filters.Values, kh, kw, cin, cout), cout, cin, kh, kw);
        var b = _g.Constant($"{prefix}/conv/bias", bias.Values, cout);
        var y = _g.Node("Conv", [x, w, b], attributes);
        y = _g.Node("Mul", [y, _g.Constant($"{prefix}/scale/weights", scale.Values, 1, cout, 1, 1)]);
        y = _g.Node("Add", [y, _g.Constant($"{prefix}/scale/biases", offset.Values, 1, cout, 1, 1)]);
        return relu ? _g.Node("Relu", [y]) : y;
    }

    private WeightTensor Take(string name)
    {
        if (!_weights.TryGetValue(name, out var tensor))
        {
            throw new InvalidDataException($"weight {name} is missing from the manifest");
        }

        _used.Add(name);
        return tensor;
    }

    internal static float[] HwioToOihw(float[] src, int kh, int kw, int cin, int cout)
    {
        var dst = new float[src.Length];
        for (var h = 0; h < kh; h++)
        {
            for (var w = 0; w < kw; w++)
            {
                for (var i = 0; i < cin; i++)
                {
                    for (var o = 0; o < cout; o++)
                    {
                        dst[(((o * cin) + i) * kh + h) * kw + w] = src[(((h * kw) + w) * cin + i) * cout + o];
                    }
                }
            }
        }

        return dst;
    }
}
