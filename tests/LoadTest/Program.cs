using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Kusd.Moderation.LoadTest;

// Load test of the moderation API over loopback. Either starts the built API in a separate process
// (--server path/to/Kusd.Moderation.Api.dll) or drives a running one (--url http://host:port --key KEY).
// See README.md in this folder.
var options = LoadOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine(LoadOptions.Usage);
    return 2;
}

await using var target = await Target.StartAsync(options);
var report = new Report(options, target);
report.Note($"Machine: {Environment.ProcessorCount} cores, load average at start {Machine.LoadAverage()}; generator and server share the cores.");

using var client = Http.Create(target.BaseUrl, target.AdminKey, maxConnections: 128);
await Setup.ImportRosterAndEnrolAsync(client, options, report);

var textBody = Posts.TextCheckJson();
report.Note($"Text post: {Posts.TextLength} characters (a name, an email, a link), JSON body {textBody.Length} bytes.");
await Profile.TextTimingsAsync(client, textBody, report);

// Warm the JIT and the connection pool before the first measured point.
await Runner.RunAsync(client, () => Requests.Text(textBody), concurrency: 8, TimeSpan.FromSeconds(3), target);

var previousBest = 0.0;
var flat = 0;
foreach (var concurrency in options.Concurrency)
{
    var runs = new List<PointResult>();
    for (var repeat = 0; repeat < options.Repeats; repeat++)
    {
        target.ResetPeakMemory();
        var point = await Runner.RunAsync(client, () => Requests.Text(textBody), concurrency, options.Duration, target);
        runs.Add(point);
        report.TextPoint(concurrency, repeat + 1, point);
    }

    var best = runs.Max(r => r.RequestsPerSecond);
    flat = best < previousBest * 1.05 ? flat + 1 : 0;
    previousBest = Math.Max(previousBest, best);
    if (flat >= 2)
    {
        report.Note($"Text throughput stopped growing (two points without a 5% gain); stopped after concurrency {concurrency}.");
        break;
    }
}

if (!options.SkipImages)
{
    var photos = Photos.Load(options.PhotosDirectory);
    var next = 0;
    for (var repeat = 0; repeat < options.Repeats; repeat++)
    {
        target.ResetPeakMemory();
        var point = await Runner.RunAsync(
            client,
            () => Requests.Image(photos[Interlocked.Increment(ref next) % photos.Count]),
            options.ImageConcurrency,
            options.ImageDuration,
            target);
        report.ImagePoint(options.ImageConcurrency, repeat + 1, point);
    }
}

report.Note($"Load average at end {Machine.LoadAverage()}.");
report.Print(Console.Out);
if (options.Output is not null)
{
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.Output))!);
    await using var file = File.CreateText(options.Output);
    report.Print(file);
    Console.WriteLine($"Written to {options.Output}");
}

return report.HasUnexpectedErrors ? 1 : 0;

namespace Kusd.Moderation.LoadTest
{
    internal sealed class LoadOptions
    {
        public const string Usage = """
            Usage: dotnet run --project tests/LoadTest -c Release -- (--server API.dll | --url URL --key KEY [--pid PID])
                   [--duration 10] [--repeats 2] [--concurrency 1,2,4,8,16,32,64]
                   [--image-concurrency 32] [--image-duration 15] [--no-images]
                   [--roster samples/roster.csv] [--photos tests/data/photos] [--out artifacts/loadtest.md]
                   [--server-arg ARG ...]   (extra arguments for the started server, e.g. --server-arg --Logging:LogLevel:Default=Warning)
            """;

        public string? ServerDll { get; private set; }

        public Uri? Url { get; private set; }

        public string? Key { get; private set; }

        public int? Pid { get; private set; }

        public TimeSpan Duration { get; private set; } = TimeSpan.FromSeconds(10);

        public int Repeats { get; private set; } = 2;

        public IReadOnlyList<int> Concurrency { get; private set; } = [1, 2, 4, 8, 16, 32, 64];

        public int ImageConcurrency { get; private set; } = 32;

        public TimeSpan ImageDuration { get; private set; } = TimeSpan.FromSeconds(15);

        public bool SkipImages { get; private set; }

        public string Roster { get; private set; } = "samples/roster.csv";

        public string PhotosDirectory { get; private set; } = "tests/data/photos";

        public string? Output { get; private set; } = "artifacts/loadtest.md";

        public List<string> ServerArgs { get; } = [];

        public static LoadOptions? Parse(string[] args)
        {
            var o = new LoadOptions();
            for (var i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                switch (args[i])
                {
                    case "--server": o.ServerDll = Next(); break;
                    case "--url": o.Url = new Uri(Next()); break;
                    case "--key": o.Key = Next(); break;
                    case "--pid": o.Pid = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--duration": o.Duration = TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture)); break;
                    case "--repeats": o.Repeats = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--concurrency": o.Concurrency = [.. Next().Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))]; break;
                    case "--image-concurrency": o.ImageConcurrency = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--image-duration": o.ImageDuration = TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture)); break;
                    case "--no-images": o.SkipImages = true; break;
                    case "--roster": o.Roster = Next(); break;
                    case "--photos": o.PhotosDirectory = Next(); break;
                    case "--out": o.Output = Next(); break;
                    case "--server-arg": o.ServerArgs.Add(Next()); break;
                    default: return null;
                }
            }

            if ((o.ServerDll is null) == (o.Url is null) || (o.Url is not null && o.Key is null))
            {
                return null;
            }

            return o;
        }
    }

    /// <summary>The server under test: a child process this tool started, or a running one.</summary>
    internal sealed class Target : IAsyncDisposable
    {
        private Process? _process;
        private string? _dataDirectory;

        public required Uri BaseUrl { get; init; }

        public required string AdminKey { get; set; }

        public int? Pid { get; private set; }

        public string Description { get; private set; } = "";

        public static async Task<Target> StartAsync(LoadOptions options)
        {
            if (options.Url is not null)
            {
                return new Target { BaseUrl = options.Url, AdminKey = options.Key!, Pid = options.Pid, Description = $"running server at {options.Url}" };
            }

            var port = FreePort();
            var data = Directory.CreateTempSubdirectory("kusd-load-").FullName;
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in (string[])[Path.GetFullPath(options.ServerDll!), "--urls", $"http://127.0.0.1:{port}", "--Storage:DataDirectory", data, "--RateLimits:PermitLimit", "10000000"])
            {
                start.ArgumentList.Add(a);
            }

            foreach (var a in options.ServerArgs)
            {
                start.ArgumentList.Add(a);
            }

            var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");

            // Drain the server's console so a full pipe never blocks it; keep the last lines for errors.
            var tail = new Queue<string>();
            void Keep(string? line)
            {
                if (line is null)
                {
                    return;
                }

                lock (tail)
                {
                    tail.Enqueue(line);
                    if (tail.Count > 20)
                    {
                        tail.Dequeue();
                    }
                }
            }

            process.OutputDataReceived += (_, e) => Keep(e.Data);
            process.ErrorDataReceived += (_, e) => Keep(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            var target = new Target
            {
                BaseUrl = new Uri($"http://127.0.0.1:{port}"),
                AdminKey = "",
                _process = process,
                _dataDirectory = data,
                Pid = process.Id,
                Description = $"`dotnet {Path.GetFileName(options.ServerDll)}` started by the load test (pid {process.Id}), " +
                    $"args: --RateLimits:PermitLimit 10000000 {string.Join(' ', options.ServerArgs)}".TrimEnd(),
            };

            using var probe = new HttpClient { BaseAddress = target.BaseUrl, Timeout = TimeSpan.FromSeconds(5) };
            var deadline = Stopwatch.StartNew();
            while (true)
            {
                if (process.HasExited)
                {
                    lock (tail)
                    {
                        throw new InvalidOperationException("The server exited at start:\n" + string.Join('\n', tail));
                    }
                }

                try
                {
                    using var ready = await probe.GetAsync(new Uri("/health/ready", UriKind.Relative));
                    var keyFile = Path.Combine(data, "admin-key.txt");
                    if (ready.IsSuccessStatusCode && File.Exists(keyFile))
                    {
                        target.AdminKey = (await File.ReadAllTextAsync(keyFile)).Trim();
                        if (target.AdminKey.Length > 0)
                        {
                            break;
                        }
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                if (deadline.Elapsed > TimeSpan.FromMinutes(3))
                {
                    throw new TimeoutException("The server was not ready within 3 minutes.");
                }

                await Task.Delay(250);
            }

            Console.WriteLine($"Server ready after {deadline.Elapsed.TotalSeconds:F1} s at {target.BaseUrl} (pid {process.Id}).");
            return target;
        }

        /// <summary>Resets the kernel's peak-RSS counter (VmHWM) so each point reports its own peak.</summary>
        public void ResetPeakMemory()
        {
            if (Pid is null)
            {
                return;
            }

            try
            {
                File.WriteAllText($"/proc/{Pid}/clear_refs", "5");
            }
            catch (IOException)
            {
                // Not permitted: VmHWM then stays the peak since the start, still an upper bound.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        /// <summary>Peak and current resident memory of the server in MiB, from /proc/PID/status.</summary>
        public (double PeakMiB, double CurrentMiB)? Memory()
        {
            if (Pid is null || !File.Exists($"/proc/{Pid}/status"))
            {
                return null;
            }

            double peak = 0, current = 0;
            foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    peak = Kib(line) / 1024.0;
                }
                else if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    current = Kib(line) / 1024.0;
                }
            }

            return (peak, current);

            static long Kib(string line) => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }

        /// <summary>CPU time the server has used (user + system), from /proc/PID/stat; independent of how busy the machine is.</summary>
        public TimeSpan? CpuTime()
        {
            if (Pid is null || !File.Exists($"/proc/{Pid}/stat"))
            {
                return null;
            }

            // Fields after the ")" that closes the command name: state is 3rd, utime 14th, stime 15th (clock ticks, 100 Hz).
            var stat = File.ReadAllText($"/proc/{Pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromMilliseconds(ticks * 10.0);
        }

        public async ValueTask DisposeAsync()
        {
            if (_process is not null)
            {
                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync();
                }

                _process.Dispose();
            }

            if (_dataDirectory is not null)
            {
                try
                {
                    Directory.Delete(_dataDirectory, recursive: true);
                }
                catch (IOException)
                {
                }
            }
        }

        private static int FreePort()
        {
            using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }

    internal static class Http
    {
        public static HttpClient Create(Uri baseUrl, string key, int maxConnections)
        {
            var handler = new SocketsHttpHandler
            {
                MaxConnectionsPerServer = maxConnections,
                PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
                UseCookies = false,
                AutomaticDecompression = DecompressionMethods.None,
            };
            var client = new HttpClient(handler) { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(60) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            return client;
        }
    }

    internal static class Machine
    {
        public static string LoadAverage()
        {
            try
            {
                return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
            }
            catch (IOException)
            {
                return "unknown";
            }
        }
    }
}
