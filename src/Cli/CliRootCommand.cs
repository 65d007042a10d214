using System.CommandLine;
using Kusd.Moderation.Cli.Commands;

namespace Kusd.Moderation.Cli;

/// <summary>The command tree. Each sub-command lives in its own file under Commands/ and adds itself here.</summary>
internal static class CliRootCommand
{
    public static RootCommand Create(string workingDirectory)
    {
        var root = new RootCommand("Checks web content against KUSD Policy and Rule 4226 before it is published.")
        {
            new CheckCommand(workingDirectory),
            new RosterCommand(workingDirectory),
            new BenchCommand(workingDirectory),
        };
        return root;
    }
}
