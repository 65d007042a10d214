using System.Text.Json;

namespace Kusd.Moderation.ModelConverter;

/// <summary>A named float32 tensor read from a tfjs weights manifest (shape in the tfjs layout).</summary>
internal sealed record WeightTensor(string Name, int[] Shape, float[] Values);

/// <summary>
/// Reads tfjs weight files (a manifest listing tensors in order, plus concatenated binary shards) and
/// dequantises them the way tfjs's <c>io.decodeWeights</c> does, so the ONNX graph sees the same
/// float32 values the original JavaScript model computes with.
/// </summary>
internal static class TfjsWeights
{
    /// <summary>Reads a manifest (a JSON array of weight groups) and its shard files from the same folder.</summary>
    public static Dictionary<string, WeightTensor> ReadManifest(string manifestPath)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(manifestPath));
        var folder = Path.GetDirectoryName(Path.GetFullPath(manifestPath))!;
        var result = new Dictionary<string, WeightTensor>(StringComparer.Ordinal);
        foreach (var group in doc.RootElement.EnumerateArray())
        {
            var data = group.GetProperty("paths").EnumerateArray()
                .SelectMany(p => File.ReadAllBytes(Path.Combine(folder, p.GetString()!)))
                .ToArray();
            foreach (var tensor in Decode(data, group.GetProperty("weights")))
            {
                result.Add(tensor.Name, tensor);
            }
        }

        return result;
    }

    /// <summary>Decodes the weight specs of one group from its concatenated shard bytes.</summary>
    public static List<WeightTensor> Decode(byte[] data, JsonElement weightSpecs)
    {
        var tensors = new List<WeightTensor>();
        var offset = 0;
        foreach (var spec in weightSpecs.EnumerateArray())
        {
            var name = spec.GetProperty("name").GetString()!;
            var shape = spec.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray();
            var dtype = spec.GetProperty("dtype").GetString();
            var count = shape.Aggregate(1, (a, b) => a * b);
            var values = new float[count];
            if (dtype == "int32" && !spec.TryGetProperty("quantization", out _))
            {
                // Small integer constants (reduction axes) of graph models; exact in float32.
                for (var i = 0; i < count; i++)
                {
                    values[i] = BitConverter.ToInt32(data, offset + (4 * i));
                }

                offset += 4 * count;
                tensors.Add(new WeightTensor(name, shape, values));
                continue;
            }

            if (dtype != "float32")
            {
                throw new NotSupportedException($"weight {name}: dtype {dtype} is not supported");
            }

            if (spec.TryGetProperty("quantization", out var q))
            {
                var qtype = q.GetProperty("dtype").GetString();
                if (q.TryGetProperty("min", out var minElement))
                {
                    // Affine quantisation: tfjs computes q * scale + min in double and stores float32.
                    var scale = q.GetProperty("scale").GetDouble();
                    var min = minElement.GetDouble();
                    switch (qtype)
                    {
                        case "uint8":
                            for (var i = 0; i < count; i++)
                            {
                                values[i] = (float)((data[offset + i] * scale) + min);
                            }

                            offset += count;
                            break;
                        case "uint16":
                            for (var i = 0; i < count; i++)
                            {
                                values[i] = (float)((BitConverter.ToUInt16(data, offset + (2 * i)) * scale) + min);
                            }

                            offset += 2 * count;
                            break;
                        default:
                            throw new NotSupportedException($"weight {name}: quantisation {qtype} is not supported");
                    }
                }
                else if (qtype == "float16")
                {
                    for (var i = 0; i < count; i++)
                    {
                        values[i] = (float)BitConverter.ToHalf(data, offset + (2 * i));
                    }

                    offset += 2 * count;
                }
                else
                {
                    throw new NotSupportedException($"weight {name}: quantisation {qtype} without min/scale");
                }
            }
            else
            {
                Buffer.BlockCopy(data, offset, values, 0, 4 * count);
                offset += 4 * count;
            }

            tensors.Add(new WeightTensor(name, shape, values));
        }

        if (offset != data.Length)
        {
            throw new InvalidDataException($"weights use {offset} bytes but the shards hold {data.Length}");
        }

        return tensors;
    }
}
