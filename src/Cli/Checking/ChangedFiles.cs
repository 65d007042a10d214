using System.Diagnostics;

namespace Kusd.Moderation.Cli.Checking;

/// <summary><c>--changed-since REV</c>: files that differ from a git revision in the work tree, plus untracked ones.</summary>
internal static class ChangedFiles
{
    /// <summary>Full paths, or null with the reason in <paramref name="error"/>.</summary>
    public static HashSet<string>? Since(string revision, string workingDirectory, out string? error)
    {
        var root = Git(workingDirectory, out error, "rev-parse", "--show-toplevel")?.Trim();
        if (root is null)
        {
            return null;
        }

        var changed = Git(root, out error, "diff", "--name-only", "-z", revision, "--");
        var untracked = changed is null ? null : Git(root, out error, "ls-files", "--others", "--exclude-standard", "-z");
        if (changed is null || untracked is null)
        {
            return null;
        }

        return [.. (changed + untracked).Split('\0', StringSplitOptions.RemoveEmptyEntries).Select(p => Path.GetFullPath(p, root))];
    }

    private static string? Git(string directory, out string? error, params string[] args)
    {
        var start = new ProcessStartInfo("git")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("core.quotepath=off");
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        try
        {
            using var process = Process.Start(start)!;
            var stderrTask = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            var stderr = stderrTask.GetAwaiter().GetResult();
            if (process.ExitCode != 0)
            {
                error = $"git {string.Join(' ', args)} failed: {stderr.Trim()}";
                return null;
            }

            error = null;
            return output;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            error = "git is not installed or not on PATH.";
            return null;
        }
    }
}
