using System.Text.Json;
using Onnx;

namespace Kusd.Moderation.ModelConverter;

/// <summary>
/// Converts a tfjs Keras layers model (model JSON + weights) of plain convolutional layers to ONNX:
/// enough for nsfwjs's MobileNetV2 (Conv2D, DepthwiseConv2D, BatchNormalization, ReLU, ZeroPadding2D,
/// Add, AveragePooling2D, Flatten, Dense, Dropout). The ONNX input keeps Keras's NHWC layout; the
/// graph works in NCHW inside. Any other layer type fails the conversion rather than being guessed.
/// </summary>
internal sealed class KerasConverter
{
    private readonly Dictionary<string, WeightTensor> _weights;
    private readonly OnnxGraphBuilder _g;
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    // Every layer output: ONNX tensor name and NCHW shape (batch 1).
    private readonly Dictionary<string, (string Name, int[] Shape)> _outputs = new(StringComparer.Ordinal);

    private KerasConverter(Dictionary<string, WeightTensor> weights, string graphName)
    {
        _weights = weights;
        _g = new OnnxGraphBuilder(graphName);
    }

    /// <summary>Converts MODEL_JSON (with modelTopology and weightsManifest) and its weights bytes.</summary>
    public static void Convert(string modelJsonPath, string weightsPath, string outputPath, string docString)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(modelJsonPath));
        var root = doc.RootElement;
        var specs = root.GetProperty("weightsManifest")[0].GetProperty("weights");
        var weights = TfjsWeights.Decode(File.ReadAllBytes(weightsPath), specs).ToDictionary(w => w.Name, StringComparer.Ordinal);
        var config = root.GetProperty("modelTopology").GetProperty("model_config").GetProperty("config");
        var converter = new KerasConverter(weights, config.GetProperty("name").GetString() ?? "keras_model");
        OnnxGraphBuilder.Save(converter.BuildModel(config, docString), outputPath);
    }

    private ModelProto BuildModel(JsonElement config, string docString)
    {
        foreach (var layer in config.GetProperty("layers").EnumerateArray())
        {
            AddLayer(layer);
        }

        var outputLayer = config.GetProperty("output_layers")[0][0].GetString()!;
        var (last, shape) = _outputs[outputLayer];
        _g.Node("Identity", [last], output: "output");
        _g.AddOutput("output", shape.Select(d => (long)d).ToArray());

        var unused = _weights.Keys.Where(k => !_used.Contains(k)).ToList();
        if (unused.Count > 0)
        {
            throw new InvalidDataException($"weights not used by the graph: {string.Join(", ", unused)}");
        }

        return _g.Build(docString);
    }

    private void AddLayer(JsonElement layer)
    {
        var name = layer.GetProperty("name").GetString()!;
        var cls = layer.GetProperty("class_name").GetString()!;
        var cfg = layer.GetProperty("config");
        var inputs = layer.GetProperty("inbound_nodes").EnumerateArray()
            .SelectMany(node => node.EnumerateArray().Select(i => _outputs[i[0].GetString()!]))
            .ToList();

        _outputs[name] = cls switch
        {
            "InputLayer" => Input(cfg),
            "ZeroPadding2D" => ZeroPadding(inputs.Single(), cfg),
            "Conv2D" => Activation(Conv(name, inputs.Single(), cfg, depthwise: false), cfg),
            "DepthwiseConv2D" => Activation(Conv(name, inputs.Single(), cfg, depthwise: true), cfg),
            "BatchNormalization" => BatchNorm(name, inputs.Single(), cfg),
            "ReLU" => Relu(inputs.Single(), cfg),
            "Add" => (inputs.Skip(1).Aggregate(inputs[0].Name, (acc, x) => _g.Node("Add", [acc, x.Name])), inputs[0].Shape),
            "AveragePooling2D" => AveragePool(inputs.Single(), cfg),
            "Flatten" => Flatten(inputs.Single()),
            "Dense" => Activation(Dense(name, inputs.Single(), cfg), cfg),
            // Dropout is the identity at inference.
            "Dropout" => inputs.Single(),
            _ => throw new NotSupportedException($"layer {name}: {cls} is not supported"),
        };
    }

    private (string, int[]) Input(JsonElement cfg)
    {
        var dims = cfg.GetProperty("batch_input_shape").EnumerateArray().Skip(1).Select(d => d.GetInt32()).ToArray();
        if (dims.Length != 3)
        {
            throw new NotSupportedException("only image inputs (H, W, C) are supported");
        }

        _g.AddInput("input", 1, dims[0], dims[1], dims[2]);
        var nchw = _g.Node("Transpose", ["input"], [OnnxGraphBuilder.Ints("perm", 0, 3, 1, 2)]);
        return (nchw, [1, dims[2], dims[0], dims[1]]);
    }

    private (string, int[]) ZeroPadding((string Name, int[] Shape) x, JsonElement cfg)
    {
        var p = cfg.GetProperty("padding");
        int top = p[0][0].GetInt32(), bottom = p[0][1].GetInt32(), left = p[1][0].GetInt32(), right = p[1][1].GetInt32();
        var padded = Pad(x.Name, 0, 0, top, left, 0, 0, bottom, right);
        return (padded, [x.Shape[0], x.Shape[1], x.Shape[2] + top + bottom, x.Shape[3] + left + right]);
    }

    private string Pad(string x, params long[] pads) =>
        _g.Node("Pad", [x, _g.ConstantInt64($"pads_{x}", pads)], [OnnxGraphBuilder.String("mode", "constant")]);

    private (string, int[]) Conv(string layerName, (string Name, int[] Shape) x, JsonElement cfg, bool depthwise)
    {
        var kernel = Take($"{layerName}/{(depthwise ? "depthwise_kernel" : "kernel")}");
        int kh = kernel.Shape[0], kw = kernel.Shape[1], cin = kernel.Shape[2], k3 = kernel.Shape[3];
        var strides = Pair(cfg, "strides");
        if (cfg.TryGetProperty("dilation_rate", out var dil) && dil.EnumerateArray().Any(d => d.GetInt32() != 1))
        {
            throw new NotSupportedException($"layer {layerName}: dilation is not supported");
        }

        // Keras DepthwiseConv2D kernels are [kh, kw, cin, multiplier]: a grouped conv with cin groups.
        var cout = depthwise ? cin * k3 : k3;
        var oihw = depthwise
            ? DepthwiseToOihw(kernel.Values, kh, kw, cin, k3)
            : FaceRecognitionConverter.HwioToOihw(kernel.Values, kh, kw, cin, k3);
        var w = _g.Constant(kernel.Name, oihw, cout, depthwise ? 1 : cin, kh, kw);
        var inputs = new List<string> { x.Name, w };
        if (cfg.GetProperty("use_bias").GetBoolean())
        {
            inputs.Add(_g.Constant($"{layerName}/bias", Take($"{layerName}/bias").Values, cout));
        }

        var (pads, outH, outW) = Padding(cfg.GetProperty("padding").GetString()!, x.Shape[2], x.Shape[3], kh, kw, strides);
        var attributes = new List<AttributeProto>
        {
            OnnxGraphBuilder.Ints("kernel_shape", kh, kw),
            OnnxGraphBuilder.Ints("strides", strides.H, strides.W),
            OnnxGraphBuilder.Ints("pads", pads),
        };
        if (depthwise)
        {
            attributes.Add(OnnxGraphBuilder.Int("group", cin));
        }

        return (_g.Node("Conv", [.. inputs], attributes), [1, cout, outH, outW]);
    }

    // TensorFlow's padding rules: 'valid' pads nothing; 'same' pads so out = ceil(in / stride),
    // the odd pixel going to the bottom/right.
    private static (long[] Pads, int OutH, int OutW) Padding(string mode, int h, int w, int kh, int kw, (int H, int W) s)
    {
        if (mode == "valid")
        {
            return ([0, 0, 0, 0], ((h - kh) / s.H) + 1, ((w - kw) / s.W) + 1);
        }

        if (mode != "same")
        {
            throw new NotSupportedException($"padding {mode} is not supported");
        }

        int outH = (h + s.H - 1) / s.H, outW = (w + s.W - 1) / s.W;
        var padH = Math.Max(((outH - 1) * s.H) + kh - h, 0);
        var padW = Math.Max(((outW - 1) * s.W) + kw - w, 0);
        return ([padH / 2, padW / 2, padH - (padH / 2), padW - (padW / 2)], outH, outW);
    }

    private (string, int[]) BatchNorm(string layerName, (string Name, int[] Shape) x, JsonElement cfg)
    {
        var axis = cfg.GetProperty("axis");
        var axisValue = axis.ValueKind == JsonValueKind.Array ? axis[0].GetInt32() : axis.GetInt32();
        if (axisValue is not (-1 or 3))
        {
            throw new NotSupportedException($"layer {layerName}: batch norm on axis {axisValue} is not supported");
        }

        var c = x.Shape[1];
        var gamma = cfg.GetProperty("scale").GetBoolean() ? Take($"{layerName}/gamma").Values : Enumerable.Repeat(1f, c).ToArray();
        var beta = cfg.GetProperty("center").GetBoolean() ? Take($"{layerName}/beta").Values : new float[c];
        var mean = Take($"{layerName}/moving_mean").Values;
        var variance = Take($"{layerName}/moving_variance").Values;
        var epsilon = cfg.GetProperty("epsilon").GetSingle();
        var y = _g.Node("BatchNormalization",
            [x.Name,
             _g.Constant($"{layerName}/gamma", gamma, c),
             _g.Constant($"{layerName}/beta", beta, c),
             _g.Constant($"{layerName}/moving_mean", mean, c),
             _g.Constant($"{layerName}/moving_variance", variance, c)],
            [OnnxGraphBuilder.Float("epsilon", epsilon)]);
        return (y, x.Shape);
    }

    private (string, int[]) Relu((string Name, int[] Shape) x, JsonElement cfg)
    {
        if ((cfg.TryGetProperty("negative_slope", out var slope) && slope.GetDouble() != 0)
            || (cfg.TryGetProperty("threshold", out var threshold) && threshold.GetDouble() != 0))
        {
            throw new NotSupportedException("leaky or thresholded ReLU is not supported");
        }

        if (cfg.TryGetProperty("max_value", out var max) && max.ValueKind == JsonValueKind.Number)
        {
            var lo = _g.Constant($"clip_min_{x.Name}", [0f]);
            var hi = _g.Constant($"clip_max_{x.Name}", [max.GetSingle()]);
            return (_g.Node("Clip", [x.Name, lo, hi]), x.Shape);
        }

        return (_g.Node("Relu", [x.Name]), x.Shape);
    }

    private (string, int[]) AveragePool((string Name, int[] Shape) x, JsonElement cfg)
    {
        var pool = Pair(cfg, "pool_size");
        var strides = Pair(cfg, "strides");
        if (cfg.GetProperty("padding").GetString() != "valid")
        {
            throw new NotSupportedException("only 'valid' average pooling is supported");
        }

        var y = _g.Node("AveragePool", [x.Name],
            [OnnxGraphBuilder.Ints("kernel_shape", pool.H, pool.W), OnnxGraphBuilder.Ints("strides", strides.H, strides.W)]);
        return (y, [1, x.Shape[1], ((x.Shape[2] - pool.H) / strides.H) + 1, ((x.Shape[3] - pool.W) / strides.W) + 1]);
    }

    private (string, int[]) Flatten((string Name, int[] Shape) x)
    {
        // Keras flattens in NHWC order: go back to NHWC first so the Dense weights line up.
        var nhwc = _g.Node("Transpose", [x.Name], [OnnxGraphBuilder.Ints("perm", 0, 2, 3, 1)]);
        var flat = _g.Node("Flatten", [nhwc], [OnnxGraphBuilder.Int("axis", 1)]);
        return (flat, [1, x.Shape.Skip(1).Aggregate(1, (a, b) => a * b)]);
    }

    private (string, int[]) Dense(string layerName, (string Name, int[] Shape) x, JsonElement cfg)
    {
        var kernel = Take($"{layerName}/kernel");
        var y = _g.Node("MatMul", [x.Name, _g.Constant(kernel.Name, kernel.Values, kernel.Shape[0], kernel.Shape[1])]);
        if (cfg.GetProperty("use_bias").GetBoolean())
        {
            y = _g.Node("Add", [y, _g.Constant($"{layerName}/bias", Take($"{layerName}/bias").Values, kernel.Shape[1])]);
        }

        return (y, [1, kernel.Shape[1]]);
    }

    private (string, int[]) Activation((string Name, int[] Shape) x, JsonElement cfg) =>
        cfg.GetProperty("activation").GetString() switch
        {
            "linear" => x,
            "relu" => (_g.Node("Relu", [x.Name]), x.Shape),
            "relu6" => (_g.Node("Clip", [x.Name, _g.Constant($"clip_min_{x.Name}", [0f]), _g.Constant($"clip_max_{x.Name}", [6f])]), x.Shape),
            "sigmoid" => (_g.Node("Sigmoid", [x.Name]), x.Shape),
            "softmax" => (_g.Node("Softmax", [x.Name], [OnnxGraphBuilder.Int("axis", -1)]), x.Shape),
            var other => throw new NotSupportedException($"activation {other} is not supported"),
        };

    private static (int H, int W) Pair(JsonElement cfg, string property)
    {
        var p = cfg.GetProperty(property);
        return (p[0].GetInt32(), p[1].GetInt32());
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

    private static float[] DepthwiseToOihw(float[] src, int kh, int kw, int cin, int multiplier)
    {
        // Output channel c * multiplier + m reads input channel c (TensorFlow's depthwise order).
        var dst = new float[src.Length];
        for (var h = 0; h < kh; h++)
        {
            for (var w = 0; w < kw; w++)
            {
                for (var c = 0; c < cin; c++)
                {
                    for (var m = 0; m < multiplier; m++)
                    {
                        var o = (c * multiplier) + m;
                        dst[((o * kh) + h) * kw + w] = src[(((h * kw) + w) * cin + c) * multiplier + m];
                    }
                }
            }
        }

        return dst;
    }
}
