using System.Diagnostics;
using System.IO.Compression;

namespace Kusd.Moderation.Cli.Tests;

/// <summary><c>dotnet pack</c> makes a tool that installs from a folder and runs, with the models inside.</summary>
public sealed class PackagingTests : IDisposable
{
    private readonly FixtureFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    [Trait("Category", "Slow")]
    public void ThePackedToolInstallsFromAFolderAndPrintsItsHelp()
    {
        var feed = Path.Join(_folder.Root, "feed");
        var tools = Path.Join(_folder.Root, "tools");
        var project = Path.Join(RepositoryRoot.Path, "src", "Cli", "Kusd.Moderation.Cli.csproj");

        Run("dotnet", "pack", project, "-c", "Release", "-o", feed, $"-p:ArtifactsPath={Path.Join(_folder.Root, "artifacts")}");
        var package = Assert.Single(Directory.GetFiles(feed, "Kusd.Moderation.Cli.*.nupkg"));
        using (var zip = ZipFile.OpenRead(package))
        {
            Assert.Contains(zip.Entries, e => e.FullName.EndsWith("/models/fr_feature.onnx", StringComparison.Ordinal));
        }

        Run("dotnet", "tool", "install", "--tool-path", tools, "--add-source", feed, "Kusd.Moderation.Cli");
        var help = Run(Path.Join(tools, "kusd-moderate"), "--help");

        Assert.Contains("check", help, StringComparison.Ordinal);
        Assert.Contains("roster", help, StringComparison.Ordinal);
    }

    private string Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = _folder.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)} exited {process.ExitCode}:\n{stdout}\n{stderr.Result}");
        return stdout;
    }
}
