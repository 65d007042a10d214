using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Kusd.Moderation.TestSupport;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using Xunit.Abstractions;

namespace Kusd.Moderation.Api.Tests;

/// <summary>
/// The hostile client's probes against the real server, in its own process as it is deployed, with the
/// server's peak memory during each probe (VmHWM, reset between probes) checked against that probe's
/// budget above the warmed-up baseline. Each probe's time and peak go to artifacts/hostile-probes.txt.
/// </summary>
[Collection(nameof(HostileRequestTests))]
public sealed class HostileRequestTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const long MiB = 1024 * 1024;
    private readonly List<string> _report = [];
    private ApiProcess _server = null!;

    public async Task InitializeAsync()
    {
        _server = await ApiProcess.StartAsync();
        using var admin = _server.Client();
        (await admin.PostAsync("/v1/roster/import", new StringContent(ApiServerFixture.RosterCsv, Encoding.UTF8, "text/csv"))).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        Directory.CreateDirectory(RepositoryRoot.Combine("artifacts"));
        await File.WriteAllLinesAsync(RepositoryRoot.Combine("artifacts", "hostile-probes.txt"), _report);
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task EveryProbeGetsAClearAnswerWithinItsMemoryBudget()
    {
        using var client = _server.Client();

        await ProbeAsync("20 fields of names, 200k characters each", 700 * MiB, async () =>
        {
            var text = string.Concat(Enumerable.Repeat("Emma Kowalski and Liam Nowak. ", 200_000 / 30));
            using var response = await client.PostAsJsonAsync("/v1/checks", new { fields = Enumerable.Range(0, 20).Select(i => new { name = $"f{i}", text }) });
            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            // The sanitized copy of the post is as long as the post; the findings add at most a bounded list.
            Assert.True(body.Length < (20L * text.Length) + (2 * MiB), $"answer of {body.Length:N0} characters");
            Assert.True(JsonDocument.Parse(body).RootElement.GetProperty("findingsOmitted").GetInt32() > 0);
            return $"answer {body.Length / 1024:N0} KB";
        });

        await ProbeAsync("20 fields of links, 200k characters each", 700 * MiB, async () =>
        {
            var text = string.Concat(Enumerable.Repeat("see https://shop-a.com/x and ", 200_000 / 29));
            using var response = await client.PostAsJsonAsync("/v1/checks", new { fields = Enumerable.Range(0, 20).Select(i => new { name = $"f{i}", text }) });
            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(body.Length < (20L * text.Length) + (2 * MiB), $"answer of {body.Length:N0} characters");
            return $"answer {body.Length / 1024:N0} KB";
        });

        await ProbeAsync("150 one-MB checks with Idempotency-Keys", 500 * MiB, async () =>
        {
            var text = string.Concat(Enumerable.Repeat("The spelling bee is on Friday in the gym. ", 1_000_000 / 42));
            for (var i = 0; i < 150; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/checks") { Content = JsonContent.Create(new { fields = new[] { new { name = "body", text } } }) };
                request.Headers.Add("Idempotency-Key", "probe-" + i.ToString(CultureInfo.InvariantCulture));
                using var response = await client.SendAsync(request);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            return "150 answers";
        });

        await ProbeAsync("a key name of 2M characters", 300 * MiB, async () =>
        {
            using var response = await client.PostAsJsonAsync("/v1/keys", new { name = new string('k', 2_000_000), scopes = new[] { "check" } });
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            return "400";
        });

        await ProbeAsync("a roster import with 200,000 bad rows", 600 * MiB, async () =>
        {
            var csv = new StringBuilder("id,givenName,familyName,grade,mediaRestriction\n");
            for (var i = 0; i < 200_000; i++)
            {
                csv.Append("S").Append(i).Append(",Ava,Lopez,99,maybe\n");
            }

            using var response = await client.PostAsync("/v1/roster/import", new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"));
            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.True(body.Length < 200_000, $"answer of {body.Length:N0} characters");
            Assert.True(JsonDocument.Parse(body).RootElement.GetProperty("errorCount").GetInt32() >= 200_000);
            return $"answer {body.Length / 1024:N0} KB";
        });

        await ProbeAsync("300 fuzzed JSON and multipart bodies", 400 * MiB, async () =>
        {
            var random = new Random(4226);
            var valid = Encoding.UTF8.GetBytes("""{"fields":[{"name":"body","text":"Emma Kowalski","format":"markdown"}],"images":[{"name":"a.png","data":"iVBORw0KGgo="}],"channel":"social","schools":["north"]}""");
            var multipart = Encoding.UTF8.GetBytes("--b\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\nEmma Kowalski\r\n--b\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n\u00ff\u00d8\u00ff\u00e0junk\r\n--b--\r\n");
            var statuses = new SortedDictionary<int, int>();
            for (var i = 0; i < 300; i++)
            {
                var json = i % 2 == 0;
                var body = Mutate(json ? valid : multipart, random);
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = MediaTypeHeaderValue.Parse(json ? "application/json" : "multipart/form-data; boundary=b");
                using var response = await client.PostAsync("/v1/checks", content);
                Assert.True((int)response.StatusCode < 500, $"fuzzed body {i} got {(int)response.StatusCode}: {Convert.ToBase64String(body)}");
                statuses[(int)response.StatusCode] = statuses.GetValueOrDefault((int)response.StatusCode) + 1;
            }

            return string.Join(", ", statuses.Select(s => $"{s.Key}: {s.Value}"));
        });

        await ProbeAsync("24 image checks at once (1080p)", 1200 * MiB, async () =>
        {
            var photo = Photo1080p();
            var tasks = Enumerable.Range(0, 24).Select(async _ =>
            {
                using var form = new MultipartFormDataContent { { new ByteArrayContent(photo), "photo", "p.jpg" } };
                using var response = await client.PostAsync("/v1/checks", form);
                return (int)response.StatusCode;
            });
            var statuses = await Task.WhenAll(tasks);
            Assert.All(statuses, s => Assert.True(s is 200 or 503, $"status {s}"));
            return $"{statuses.Count(s => s == 200)} verdicts, {statuses.Count(s => s == 503)} busy (503)";
        });

        Assert.True(_server.IsRunning, "the server died during the probes");
    }

    private async Task ProbeAsync(string name, long budget, Func<Task<string>> probe)
    {
        await Task.Delay(200);
        _server.ResetPeak();
        var baseline = _server.Rss;
        var clock = Stopwatch.StartNew();
        var outcome = await probe();
        var peak = _server.PeakRss;
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{name}: {clock.Elapsed.TotalSeconds:F1} s, peak RSS {peak / MiB} MB ({(peak - baseline) / MiB:+0;-0} MB over {baseline / MiB} MB; budget +{budget / MiB} MB); {outcome}");
        _report.Add(line);
        output.WriteLine(line);
        Assert.True(peak - baseline <= budget, line);
    }

    private static byte[] Mutate(byte[] valid, Random random)
    {
        var bytes = valid.ToList();
        for (var edits = random.Next(1, 8); edits > 0; edits--)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(4))
            {
                case 0:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 1:
                    bytes.RemoveRange(at, Math.Min(random.Next(1, 20), bytes.Count - at));
                    break;
                case 2:
                    bytes.InsertRange(at, Enumerable.Repeat((byte)"{[\"\\,:0\u0000"[random.Next(8)], random.Next(1, 50)));
                    break;
                default:
                    bytes.InsertRange(at, bytes.GetRange(0, Math.Min(bytes.Count, random.Next(1, 64))));
                    break;
            }

            if (bytes.Count == 0)
            {
                bytes.Add((byte)'{');
            }
        }

        return [.. bytes];
    }

    private static byte[] Photo1080p()
    {
        using var face = Image.Load<Rgb24>(Photos.Read("sample1.jpg"));
        using var canvas = new Image<Rgb24>(1920, 1080, new Rgb24(90, 120, 140));
        canvas.Mutate(x => x.DrawImage(face, new Point(0, 0), 1f));
        using var output = new MemoryStream();
        canvas.Save(output, new JpegEncoder { Quality = 85 });
        return output.ToArray();
    }
}

/// <summary>The API as it is deployed: its built DLL in a process of its own, on a loopback port, with a fresh data folder.</summary>
public sealed class ApiProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _data;

    private ApiProcess(Process process, string data, Uri address, string key)
    {
        _process = process;
        _data = data;
        Address = address;
        AdminKey = key;
    }

    public Uri Address { get; }

    public string AdminKey { get; }

    public bool IsRunning => !_process.HasExited;

    public long Rss => Status("VmRSS:");

    public long PeakRss => Status("VmHWM:");

    public static async Task<ApiProcess> StartAsync()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var dll = Path.Combine(output.Parent!.Parent!.FullName, "Kusd.Moderation.Api", output.Name, "Kusd.Moderation.Api.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException("Build src/ModerationApi first.", dll);
        }

        var data = Path.Combine(Path.GetTempPath(), "kusd-hostile-" + Guid.NewGuid().ToString("N"));
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { dll, "--urls", $"http://127.0.0.1:{port}", "--Storage:DataDirectory", data, "--RateLimits:PermitLimit", "100000" })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var address = new Uri($"http://127.0.0.1:{port}");
        using var probe = new HttpClient { BaseAddress = address };
        for (var waited = Stopwatch.StartNew(); ; await Task.Delay(250))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The API exited with {process.ExitCode} before it was ready.");
            }

            try
            {
                if ((await probe.GetAsync("/health/ready")).IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (waited.Elapsed > TimeSpan.FromMinutes(3))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("The API was not ready within 3 minutes.");
            }
        }

        var key = (await File.ReadAllTextAsync(Path.Combine(data, "admin-key.txt"))).Trim();
        return new ApiProcess(process, data, address, key);
    }

    public HttpClient Client()
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromMinutes(5) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        return client;
    }

    /// <summary>Resets the kernel's peak-RSS mark of the process (clear_refs 5), so a probe's peak is its own.</summary>
    public void ResetPeak() => File.WriteAllText($"/proc/{_process.Id}/clear_refs", "5");

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_data, recursive: true);
    }

    private long Status(string field)
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }
}
