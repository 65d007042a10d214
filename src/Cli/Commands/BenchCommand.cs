using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Processing;

namespace Kusd.Moderation.Cli.Commands;

/// <summary>
/// <c>kusd-moderate bench</c>: files per second of <c>check</c> on a generated repository of Markdown
/// posts and on copies of photos at varying sizes, with every core in use.
/// </summary>
internal sealed class BenchCommand : Command
{
    private static readonly string[] Names = ["Emma Kowalski", "Liam Nowak", "Olivia O'Brien", "Mateo Garcia-Lopez", "Ava Smith"];

    public BenchCommand(string workingDirectory)
        : base("bench", "Measure files per second on generated Markdown posts and on copies of photos.")
    {
        var markdown = new Option<int>("--markdown") { Description = "Markdown files to generate.", DefaultValueFactory = _ => 10_000 };
        var images = new Option<int>("--images") { Description = "Image files to generate (copies of --photos at varying sizes).", DefaultValueFactory = _ => 1_000 };
        var photos = new Option<string>("--photos") { Description = "Folder of source photos (.jpg, .png).", HelpName = "DIR" };
        var roster = new Option<string>("--roster") { Description = "Roster CSV for the Markdown run.", HelpName = "FILE.csv" };
        Options.Add(markdown);
        Options.Add(images);
        Options.Add(photos);
        Options.Add(roster);
        Hidden = true;
        SetAction(async (parseResult, cancellationToken) =>
        {
            var stdout = parseResult.InvocationConfiguration.Output;
            var root = Path.Join(Path.GetTempPath(), "kusd-bench-" + Guid.NewGuid().ToString("N"));
            try
            {
                var rosterPath = parseResult.GetValue(roster) is { } r ? Path.GetFullPath(r, workingDirectory) : null;
                var mdCount = parseResult.GetValue(markdown);
                if (mdCount > 0)
                {
                    var folder = Path.Join(root, "md");
                    GenerateMarkdown(folder, mdCount);
                    await RunAsync(stdout, "markdown", folder, mdCount, rosterPath, cancellationToken).ConfigureAwait(false);
                }

                var imageCount = parseResult.GetValue(images);
                if (imageCount > 0 && parseResult.GetValue(photos) is { } photoDir)
                {
                    var folder = Path.Join(root, "img");
                    GenerateImages(Path.GetFullPath(photoDir, workingDirectory), folder, imageCount);
                    await RunAsync(stdout, "images", folder, imageCount, null, cancellationToken).ConfigureAwait(false);
                }

                return ExitCodes.Clean;
            }
            finally
            {
                if (Directory.Exists(root))
                {
                    Directory.Delete(root, recursive: true);
                }
            }
        });
    }

    private static async Task RunAsync(TextWriter stdout, string label, string folder, int count, string? rosterPath, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        using var sink = new StringWriter();
        var exit = await CheckCommand.ExecuteAsync(
            new CheckOptions { Paths = [folder], RosterPath = rosterPath, WorkingDirectory = folder, Format = ReportFormat.Json },
            sink,
            sink,
            cancellationToken).ConfigureAwait(false);
        var seconds = watch.Elapsed.TotalSeconds;
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{label}: {count} files in {seconds:F1} s = {count / seconds:F1} files/s on {Environment.ProcessorCount} cores (exit {exit}, includes model loading)")).ConfigureAwait(false);
    }

    private static void GenerateMarkdown(string folder, int count)
    {
        Directory.CreateDirectory(folder);
        var random = new Random(4226);
        for (var i = 0; i < count; i++)
        {
            var paragraphs = new List<string> { $"# Post {i}", "" };
            for (var p = 0; p < 3 + random.Next(6); p++)
            {
                paragraphs.Add(random.Next(10) switch
                {
                    0 => $"Congratulations to {Names[random.Next(Names.Length)]} for the science fair ribbon.",
                    1 => "Questions? Write to office@kusd.edu or see [the district calendar](https://www.kusd.edu/calendar).",
                    2 => "Order photos at [the store](https://shop-example.com/photos?id=42).",
                    _ => "Our students visited the museum on Tuesday and learned about the geology of the Great Lakes, "
                        + "the glaciers that shaped them, and the animals that lived here ten thousand years ago.",
                });
                paragraphs.Add("");
            }

            File.WriteAllLines(Path.Join(folder, $"post-{i:00000}.md"), paragraphs);
        }
    }

    private static void GenerateImages(string photoDir, string folder, int count)
    {
        Directory.CreateDirectory(folder);
        var sources = Directory.EnumerateFiles(photoDir).Where(f => f.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".png", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).ToList();
        if (sources.Count == 0)
        {
            throw new IOException($"no .jpg or .png photos in {photoDir}");
        }

        var scales = new[] { 0.5, 0.75, 1.0, 1.5 };
        for (var i = 0; i < count; i++)
        {
            using var image = Image.Load(sources[i % sources.Count]);
            var scale = scales[i / sources.Count % scales.Length];
            image.Mutate(x => x.Resize(Math.Max(16, (int)(image.Width * scale)), Math.Max(16, (int)(image.Height * scale))));
            image.Save(Path.Join(folder, $"photo-{i:0000}.jpg"), new JpegEncoder { Quality = 85 });
        }
    }
}
