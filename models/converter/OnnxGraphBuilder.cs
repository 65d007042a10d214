using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace Kusd.Moderation.ModelConverter;

/// <summary>
/// Builds an ONNX graph node by node. Names are generated from a counter, never from time or
/// randomness, so the same weights always give the same bytes (verify.sh --rebuild relies on that).
/// </summary>
internal sealed class OnnxGraphBuilder
{
    // Opset 13 has every operator used here with a stable definition and is read by any recent runtime.
    private const long Opset = 13;
    private readonly GraphProto _graph = new();
    private int _counter;

    public OnnxGraphBuilder(string graphName)
    {
        _graph.Name = graphName;
    }

    public void AddInput(string name, params long[] shape) => _graph.Input.Add(ValueInfo(name, shape));

    public void AddOutput(string name, params long[] shape) => _graph.Output.Add(ValueInfo(name, shape));

    /// <summary>Adds a float32 initializer and returns its name.</summary>
    public string Constant(string name, float[] values, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.Add(dims);
        tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
        _graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>Adds an int64 initializer and returns its name.</summary>
    public string ConstantInt64(string name, long[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
        _graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>Adds a node with one output; returns the output's name (or <paramref name="output"/>).</summary>
    public string Node(string opType, string[] inputs, IEnumerable<AttributeProto>? attributes = null, string? output = null)
    {
        var node = new NodeProto { OpType = opType, Name = $"{opType}_{_counter}" };
        node.Input.Add(inputs);
        var result = output ?? $"{opType.ToLowerInvariant()}_{_counter}";
        _counter++;
        node.Output.Add(result);
        if (attributes is not null)
        {
            node.Attribute.Add(attributes);
        }

        _graph.Node.Add(node);
        return result;
    }

    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.Add(values);
        return a;
    }

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto String(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public ModelProto Build(string docString)
    {
        var model = new ModelProto
        {
            IrVersion = 7,
            ProducerName = "kusd-model-converter",
            ProducerVersion = "1",
            DocString = docString,
            Graph = _graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = Opset });
        return model;
    }

    public static void Save(ModelProto model, string path)
    {
        using var stream = File.Create(path);
        model.WriteTo(stream);
    }

    private static ValueInfoProto ValueInfo(string name, long[] shape)
    {
        var tensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = new TensorShapeProto() };
        foreach (var d in shape)
        {
            tensorType.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        }

        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensorType } };
    }
}
