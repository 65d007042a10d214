using System.CommandLine;

namespace Kusd.Moderation.Cli;

public static class Program
{
    public static Task<int> Main(string[] args) => RunAsync(args, Console.Out, Console.Error);

    /// <summary>The whole tool with its console injected, so tests call it like a shell does.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default) =>
        RunAsync(args, stdout, stderr, Environment.CurrentDirectory, cancellationToken);

    /// <summary>As a shell started in <paramref name="workingDirectory"/> would run it (tests run many at once).</summary>
    internal static async Task<int> RunAsync(
        string[] args, TextWriter stdout, TextWriter stderr, string workingDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);

        var parseResult = CliRootCommand.Create(workingDirectory).Parse(args);

        // The library's default reports parse errors with exit code 1, which CI would read as
        // "findings"; a usage error must be 2.
        if (parseResult.Errors.Count > 0)
        {
            foreach (var error in parseResult.Errors)
            {
                await stderr.WriteLineAsync(error.Message).ConfigureAwait(false);
            }

            await stderr.WriteLineAsync("Run 'kusd-moderate --help' for usage.").ConfigureAwait(false);
            return ExitCodes.ToolError;
        }

        var invocation = new InvocationConfiguration
        {
            Output = stdout,
            Error = stderr,
            EnableDefaultExceptionHandler = false,
        };

        try
        {
            return await parseResult.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await stderr.WriteLineAsync("Cancelled.").ConfigureAwait(false);
            return ExitCodes.ToolError;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // These messages name paths, not content.
            await stderr.WriteLineAsync($"kusd-moderate: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.ToolError;
        }
#pragma warning disable CA1031 // A crash must still be exit code 2 for CI, not an unhandled-exception code.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            // The type only: other messages and stack traces can quote file content, which holds student names.
            await stderr.WriteLineAsync($"kusd-moderate: internal error ({ex.GetType().FullName}).").ConfigureAwait(false);
            return ExitCodes.ToolError;
        }
    }
}
