using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Kusd.Moderation.Benchmarks;

/// <summary>Throughput of one check on one core: the check runs its rules sequentially on the calling thread.</summary>
internal sealed class MegabytesPerSecondColumn : IColumn
{
    public string Id => nameof(MegabytesPerSecondColumn);
    public string ColumnName => "MB/s/core";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "UTF-8 megabytes of post text checked per second on one core";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
        return mean is > 0 && TextCheckBenchmarks.PostBytes > 0
            ? (TextCheckBenchmarks.PostBytes / 1e6 / (mean.Value / 1e9)).ToString("0.00", CultureInfo.InvariantCulture)
            : "-";
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}

/// <summary>Mean time relative to the same benchmark with the smallest roster: how cost grows with the district.</summary>
internal sealed class RosterGrowthColumn : IColumn
{
    public string Id => nameof(RosterGrowthColumn);
    public string ColumnName => "vs 1k roster";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 1;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "Mean time divided by the mean time with a 1,000-person roster";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var baseline = summary.BenchmarksCases.FirstOrDefault(c =>
            c.Descriptor == benchmarkCase.Descriptor
            && c.Job == benchmarkCase.Job
            && Equals(c.Parameters[nameof(TextCheckBenchmarks.RosterSize)], 1_000));
        var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
        var baseMean = baseline is null ? null : summary[baseline]?.ResultStatistics?.Mean;
        return mean is > 0 && baseMean is > 0
            ? (mean.Value / baseMean.Value).ToString("0.00", CultureInfo.InvariantCulture) + "x"
            : "-";
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
