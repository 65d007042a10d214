using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.ML.OnnxRuntime;

namespace Kusd.Moderation.Models.Onnx;

/// <summary>How ONNX sessions run: threads per inference and how many inferences at once.</summary>
public sealed class OnnxRuntimeOptions
{
    /// <summary>Threads one inference may use; 1 keeps concurrent requests from fighting over cores.</summary>
    public int IntraOpThreads { get; set; } = 1;

    /// <summary>Inferences running at once across all models sharing one <see cref="InferenceGate"/>.</summary>
    public int MaxConcurrentInferences { get; set; } = Math.Max(1, Environment.ProcessorCount);
}

/// <summary>Bounds concurrent inferences across models.</summary>
public sealed class InferenceGate : IDisposable
{
    private readonly SemaphoreSlim _semaphore;

    public InferenceGate(int maxConcurrent) => _semaphore = new SemaphoreSlim(Math.Max(1, maxConcurrent));

    internal IDisposable Enter(CancellationToken cancellationToken)
    {
        _semaphore.Wait(cancellationToken);
        return new Releaser(_semaphore);
    }

    public void Dispose() => _semaphore.Dispose();

    private sealed class Releaser(SemaphoreSlim semaphore) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                semaphore.Release();
            }
        }
    }
}

/// <summary>
/// Wall time spent inside ONNX Runtime by every session of the process, so a benchmark can split
/// model inference from decoding, tensor filling, NMS and alignment.
/// </summary>
public static class InferenceClock
{
    private static long _ticks;
    private static long _runs;

    public static double ElapsedMilliseconds => Interlocked.Read(ref _ticks) * 1000.0 / Stopwatch.Frequency;

    public static long Runs => Interlocked.Read(ref _runs);

    internal static void Add(long ticks)
    {
        Interlocked.Add(ref _ticks, ticks);
        Interlocked.Increment(ref _runs);
    }
}

/// <summary>
/// One InferenceSession with its expected input and outputs checked at load time, so a wrong or
/// swapped model file fails at start-up rather than producing garbage. Run is thread-safe.
/// </summary>
internal sealed class OnnxModel : IDisposable
{
    private readonly InferenceSession _session;
    private readonly InferenceGate _gate;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly long[] _inputShape;

    public OnnxModel(string path, OnnxRuntimeOptions options, InferenceGate gate, string inputName, int[] inputShape, params (string Name, int[] Shape)[] outputs)
    {
        using var sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = options.IntraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            // Graph-cleanup warnings of converted models are noise in service logs.
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        _session = new InferenceSession(path, sessionOptions);
        try
        {
            FileName = Path.GetFileName(path);
            Check(FileName, "input", _session.InputMetadata, inputName, inputShape);
            foreach (var (name, shape) in outputs)
            {
                Check(FileName, "output", _session.OutputMetadata, name, shape);
            }

            Sha256Prefix = HashPrefix(path);
            Version = FileName + "@" + Sha256Prefix;
        }
        catch
        {
            _session.Dispose();
            throw;
        }

        _gate = gate;
        _inputNames = [inputName];
        _outputNames = outputs.Select(o => o.Name).ToArray();
        _inputShape = inputShape.Select(d => (long)d).ToArray();
    }

    public string FileName { get; }

    /// <summary>File name and the first 12 hex digits of its SHA-256, for audit records.</summary>
    public string Version { get; }

    public string Sha256Prefix { get; }

    /// <summary>Runs one inference; returns a copy of each declared output in declaration order.</summary>
    public float[][] Run(float[] input, CancellationToken cancellationToken = default) =>
        Run(input, _inputShape, cancellationToken);

    /// <summary>Runs one inference with an input of this shape, for models with dynamic dimensions (OCR).</summary>
    public float[][] Run(float[] input, long[] inputShape, CancellationToken cancellationToken = default)
    {
        using var _ = _gate.Enter(cancellationToken);
        using var inputValue = OrtValue.CreateTensorValueFromMemory(input, inputShape);
        using var runOptions = new RunOptions();
        var started = Stopwatch.GetTimestamp();
        using var results = _session.Run(runOptions, _inputNames, [inputValue], _outputNames);
        InferenceClock.Add(Stopwatch.GetTimestamp() - started);
        var copies = new float[results.Count][];
        var i = 0;
        foreach (var result in results)
        {
            copies[i++] = result.GetTensorDataAsSpan<float>().ToArray();
        }

        return copies;
    }

    public void Dispose() => _session.Dispose();

    private static void Check(string file, string kind, IReadOnlyDictionary<string, NodeMetadata> metadata, string name, int[] expected)
    {
        if (!metadata.TryGetValue(name, out var node))
        {
            throw new InvalidOperationException(
                $"Model {file} has no {kind} '{name}' (it has {string.Join(", ", metadata.Keys)}).");
        }

        var actual = node.Dimensions;
        var matches = actual.Length == expected.Length
            && actual.Zip(expected).All(p => p.First == p.Second || p.First <= 0);
        if (!matches)
        {
            throw new InvalidOperationException(
                $"Model {file} {kind} '{name}' has shape [{string.Join(",", actual)}], expected [{string.Join(",", expected)}].");
        }
    }

    private static string HashPrefix(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream))[..12];
    }
}
