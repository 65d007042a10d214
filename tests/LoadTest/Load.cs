using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Kusd.Moderation.LoadTest;

internal sealed record PointResult(
    int Concurrency,
    TimeSpan Elapsed,
    int Ok,
    int Busy503WithRetryAfter,
    IReadOnlyDictionary<string, int> Errors,
    double P50Ms,
    double P99Ms,
    double MaxMs,
    double? PeakRssMiB,
    double? ServerCpuMsPerRequest,
    double ClientCpuMsPerRequest)
{
    public double RequestsPerSecond => (Ok + Busy503WithRetryAfter + Errors.Values.Sum()) / Elapsed.TotalSeconds;

    public double OkPerSecond => Ok / Elapsed.TotalSeconds;

    public int ErrorCount => Errors.Values.Sum();
}

internal static class Runner
{
    /// <summary>Keeps <paramref name="concurrency"/> requests in flight for <paramref name="duration"/>; latency of every answer.</summary>
    public static async Task<PointResult> RunAsync(HttpClient setupClient, Func<HttpRequestMessage> make, int concurrency, TimeSpan duration, Target target)
    {
        // One connection per worker, as a pool of callers would hold.
        using var client = Http.Create(setupClient.BaseAddress!, target.AdminKey, concurrency);
        var latencies = new List<double>[concurrency];
        var ok = 0;
        var busy = 0;
        var errors = new Dictionary<string, int>(StringComparer.Ordinal);
        var serverCpuBefore = target.CpuTime();
        var clientCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();

        async Task Worker(int index)
        {
            var mine = latencies[index] = new List<double>(4096);
            while (clock.Elapsed < duration)
            {
                using var request = make();
                var sent = Stopwatch.GetTimestamp();
                string? error = null;
                try
                {
                    using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead);
                    mine.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref ok);
                    }
                    else if (response.StatusCode == HttpStatusCode.ServiceUnavailable && response.Headers.RetryAfter is not null)
                    {
                        Interlocked.Increment(ref busy);
                    }
                    else
                    {
                        error = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    error = ex.GetType().Name;
                }

                if (error is not null)
                {
                    lock (errors)
                    {
                        errors[error] = errors.GetValueOrDefault(error) + 1;
                    }
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(i => Task.Run(() => Worker(i))));
        var elapsed = clock.Elapsed;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        var memory = target.Memory();
        var answered = Math.Max(1, all.Length);
        var serverCpu = target.CpuTime() - serverCpuBefore;
        var clientCpu = Process.GetCurrentProcess().TotalProcessorTime - clientCpuBefore;
        return new PointResult(
            concurrency, elapsed, ok, busy, errors, Percentile(all, 0.50), Percentile(all, 0.99), all.Length > 0 ? all[^1] : 0, memory?.PeakMiB,
            serverCpu is { } cpu ? cpu.TotalMilliseconds / answered : null,
            clientCpu.TotalMilliseconds / answered);
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}

internal static class Posts
{
    // About 1 KB, the size of a typical classroom news item: a student's full name, an email and a link.
    private const string Text = """
        Great news from Room 12! Our second graders finished their spring reading challenge this week, and the
        whole class read more than 400 books together since February. Emma Kowalski read the most pages of anyone
        in the grade and chose the class's next read-aloud, which the students voted on during morning meeting.
        Thank you to all the families who came to our reading night last Thursday; the cocoa station was a hit and
        the book swap table emptied in under an hour. If you missed it, the photos and the reading log are posted on
        the class page at https://www.kusd.edu/schools/lincoln/room12/reading-challenge and the summer reading list is
        there too. Questions about the summer program can go to Ms. Mueller at kmueller@kusd.edu or to the front office.
        Next up: our field trip to the science museum on May 28. Permission slips are due Friday, and we still need
        two more chaperones, so please reply if you can join us for the day. Keep reading, Room 12!
        """;

    public static int TextLength => Text.Length;

    public static byte[] TextCheckJson() => JsonSerializer.SerializeToUtf8Bytes(new
    {
        fields = new[] { new { name = "body", text = Text, format = "plain" } },
        channel = "website",
    });
}

internal static class Requests
{
    public static HttpRequestMessage Text(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/checks", UriKind.Relative)) { Content = content };
    }

    public static HttpRequestMessage Image((string Name, byte[] Bytes) photo)
    {
        var file = new ByteArrayContent(photo.Bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        var form = new MultipartFormDataContent { { file, "image", photo.Name } };
        return new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/checks", UriKind.Relative)) { Content = form };
    }
}

internal static class Photos
{
    public static readonly string[] Names = ["sample1.jpg", "grace_hopper_512x512.jpg"];

    public static List<(string Name, byte[] Bytes)> Load(string directory)
    {
        var missing = Names.Where(n => !File.Exists(Path.Combine(directory, n))).ToList();
        if (missing.Count > 0)
        {
            throw new FileNotFoundException($"Missing {string.Join(", ", missing)} in {directory}: run tests/data/fetch-photos.sh first.");
        }

        return [.. Names.Select(n => (n, File.ReadAllBytes(Path.Combine(directory, n))))];
    }
}

internal static class Setup
{
    public static async Task ImportRosterAndEnrolAsync(HttpClient client, LoadOptions options, Report report)
    {
        using var csv = new ByteArrayContent(await File.ReadAllBytesAsync(options.Roster));
        csv.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        using var imported = await client.PostAsync(new Uri("/v1/roster/import", UriKind.Relative), csv);
        Require(imported, "roster import");

        // A restricted student (S1002, media restriction) gets a face, so image checks run face matching too.
        var photo = Path.Combine(options.PhotosDirectory, "grace_hopper_512x512.jpg");
        if (options.SkipImages || !File.Exists(photo))
        {
            report.Note("No face enrolled (images skipped or photos missing).");
            return;
        }

        using var form = new MultipartFormDataContent { { new ByteArrayContent(await File.ReadAllBytesAsync(photo)), "photo", "enrol.jpg" } };
        using var enrolled = await client.PostAsync(new Uri("/v1/roster/people/S1002/faces", UriKind.Relative), form);
        Require(enrolled, "face enrolment");
        report.Note($"Roster: {options.Roster} imported; one face enrolled for a restricted student (S1002).");
    }

    private static void Require(HttpResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{what} failed with {(int)response.StatusCode}: {response.Content.ReadAsStringAsync().Result}");
        }
    }
}

internal static class Profile
{
    /// <summary>Sequential checks, one at a time: where a check's time goes, from the verdict's own timings.</summary>
    public static async Task TextTimingsAsync(HttpClient client, byte[] body, Report report)
    {
        const int Count = 300;
        var sums = new Dictionary<string, double>(StringComparer.Ordinal);
        var clientMs = 0.0;
        string? decision = null;
        for (var i = 0; i < Count; i++)
        {
            using var request = Requests.Text(body);
            var sent = Stopwatch.GetTimestamp();
            using var response = await client.SendAsync(request);
            var json = await response.Content.ReadAsStringAsync();
            var elapsed = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"A text check answered {(int)response.StatusCode}: {json}");
            }

            // The first third warms the JIT and the caches.
            if (i < Count / 3)
            {
                continue;
            }

            clientMs += elapsed;
            using var verdict = JsonDocument.Parse(json);
            decision ??= verdict.RootElement.GetProperty("decision").GetString();
            foreach (var timing in verdict.RootElement.GetProperty("timings").EnumerateObject())
            {
                sums[timing.Name] = sums.GetValueOrDefault(timing.Name) + timing.Value.GetDouble();
            }
        }

        // The same loop against the liveness probe: what HTTP alone costs on this machine right now.
        var healthMs = 0.0;
        for (var i = 0; i < Count; i++)
        {
            var sent = Stopwatch.GetTimestamp();
            using var response = await client.GetAsync(new Uri("/health/live", UriKind.Relative));
            _ = await response.Content.ReadAsByteArrayAsync();
            if (i >= Count / 3)
            {
                healthMs += Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
            }
        }

        var measured = Count - (Count / 3);
        report.Note(string.Create(CultureInfo.InvariantCulture, $"HTTP baseline: GET /health/live one at a time takes {healthMs / measured:F2} ms per round trip."));
        report.Profile(decision ?? "?", clientMs / measured, sums.ToDictionary(kv => kv.Key, kv => kv.Value / measured, StringComparer.Ordinal));
    }
}

internal sealed class Report(LoadOptions options, Target target)
{
    private readonly List<string> _notes = [];
    private readonly List<(string Kind, int Repeat, PointResult Point)> _points = [];
    private string _profile = "";

    public bool HasUnexpectedErrors => _points.Any(p => p.Point.ErrorCount > 0) || _points.Any(p => p.Kind == "text" && p.Point.Busy503WithRetryAfter > 0);

    public void Note(string note)
    {
        _notes.Add(note);
        Console.WriteLine(note);
    }

    public void TextPoint(int concurrency, int repeat, PointResult point) => Add("text", repeat, point);

    public void ImagePoint(int concurrency, int repeat, PointResult point) => Add("image", repeat, point);

    public void Profile(string decision, double clientMs, Dictionary<string, double> averages)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"One text check at a time (200 checks after 100 warm-up), decision `{decision}`: {clientMs:F2} ms per round trip at the client; the verdict's own timings (mean ms):");
        sb.AppendLine();
        sb.AppendLine("| step | mean ms |");
        sb.AppendLine("|---|---:|");
        foreach (var (name, ms) in averages.OrderByDescending(kv => kv.Value))
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {ms:F3} |");
        }

        var total = averages.GetValueOrDefault("totalMs");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Engine total {total:F2} ms of {clientMs:F2} ms: the other {Math.Max(0, clientMs - total):F2} ms are HTTP, JSON, authentication, the audit store write and logging.");
        _profile = sb.ToString();
        Console.Write(_profile);
    }

    public void Print(TextWriter writer)
    {
        writer.WriteLine("# Load test");
        writer.WriteLine();
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC. Server: {target.Description}. Loopback, {options.Duration.TotalSeconds:F0} s per text point, {options.ImageDuration.TotalSeconds:F0} s per image point, each point measured {options.Repeats} times."));
        writer.WriteLine();
        foreach (var note in _notes)
        {
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"- {note}"));
        }

        writer.WriteLine();
        writer.WriteLine("| kind | concurrency | run | requests/s | 200/s | 200 | 503 + Retry-After | other errors | p50 ms | p99 ms | max ms | server peak RSS MiB | server CPU ms/req | client CPU ms/req |");
        writer.WriteLine("|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|");
        foreach (var (kind, repeat, p) in _points)
        {
            var errors = p.ErrorCount == 0 ? "0" : string.Join(", ", p.Errors.Select(e => $"{e.Key}×{e.Value}"));
            var rss = p.PeakRssMiB is { } m ? m.ToString("F0", CultureInfo.InvariantCulture) : "n/a";
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {kind} | {p.Concurrency} | {repeat} | {p.RequestsPerSecond:F0} | {p.OkPerSecond:F1} | {p.Ok} | {p.Busy503WithRetryAfter} | {errors} | {p.P50Ms:F1} | {p.P99Ms:F1} | {p.MaxMs:F0} | {rss} | {p.ServerCpuMsPerRequest:F2} | {p.ClientCpuMsPerRequest:F2} |"));
        }

        var cpu = _points.Where(p => p.Kind == "text" && p.Point.ServerCpuMsPerRequest > 0).Select(p => p.Point.ServerCpuMsPerRequest!.Value).DefaultIfEmpty().Min();
        if (cpu > 0)
        {
            writer.WriteLine();
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"The server spends at least {cpu:F2} ms of CPU per text check (its own user + system time, whatever the machine's load), so {Environment.ProcessorCount} cores given to it alone would carry at most about {Environment.ProcessorCount * 1000 / cpu:F0} text checks/s, before the load generator's own share."));
        }

        writer.WriteLine();
        writer.WriteLine(_profile);
    }

    private void Add(string kind, int repeat, PointResult point)
    {
        _points.Add((kind, repeat, point));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{kind,-5} c={point.Concurrency,3} run {repeat}: {point.RequestsPerSecond,7:F0} req/s  ok {point.Ok}  503 {point.Busy503WithRetryAfter}  errors {point.ErrorCount}  p50 {point.P50Ms:F1} ms  p99 {point.P99Ms:F1} ms  peak RSS {point.PeakRssMiB:F0} MiB  server CPU {point.ServerCpuMsPerRequest:F2} ms/req  client CPU {point.ClientCpuMsPerRequest:F2} ms/req"));
    }
}
