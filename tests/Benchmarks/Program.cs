using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Kusd.Moderation.Benchmarks;

// Usage: dotnet run -c Release --project tests/Benchmarks -- --filter '*TextCheck*' [--quick]
//        dotnet run -c Release --project tests/Benchmarks -- --write-photos DIR N   (12 MP JPEGs for tests/bench.sh)
//        dotnet run -c Release --project tests/Benchmarks -- --timings   (mean ms per rule, no BenchmarkDotNet)
// In-process: a child build per benchmark takes minutes on shared CI machines and trips over private
// ArtifactsPath builds; the check is single-threaded CPU work, which in-process measures fairly.
if (args.Length == 3 && args[0] == "--write-photos")
{
    // For tests/bench.sh: N copies of the 12 MP group photo (JPEG quality 86 + i, so no two files are the same bytes).
    Directory.CreateDirectory(args[1]);
    for (var i = 0; i < int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture); i++)
    {
        File.WriteAllBytes(Path.Combine(args[1], $"group-12mp-{i:D2}.jpg"), BenchmarkPhotos.Group12Mp(86 + (i % 10)));
    }

    return;
}

if (args.Contains("--timings", StringComparer.Ordinal))
{
    // Which rule the time goes to: the engine times each checker in every verdict.
    RuleTimings.Print(Console.Out);
    return;
}

var quick = args.Contains("--quick", StringComparer.Ordinal);
var job = quick
    ? Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance)
    : Job.Default.WithWarmupCount(5).WithIterationCount(15).WithToolchain(InProcessEmitToolchain.Instance);
var config = DefaultConfig.Instance
    .AddJob(job)
    // Min beside Mean: on a shared machine the fastest iteration is the best estimate of the check's own cost.
    .AddColumn(StatisticColumn.Min, new MegabytesPerSecondColumn(), new RosterGrowthColumn())
    .WithOptions(ConfigOptions.JoinSummary);
BenchmarkSwitcher.FromAssembly(typeof(TextCheckBenchmarks).Assembly)
    .Run([.. args.Where(a => a != "--quick")], config);
