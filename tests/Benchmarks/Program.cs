using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Kusd.Moderation.Benchmarks;

// Usage: dotnet run -c Release --project tests/Benchmarks -- --filter '*TextCheck*' [--quick]
//        dotnet run -c Release --project tests/Benchmarks -- --timings   (mean ms per rule, no BenchmarkDotNet)
// In-process: a child build per benchmark takes minutes on shared CI machines and trips over private
// ArtifactsPath builds; the check is single-threaded CPU work, which in-process measures fairly.
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
