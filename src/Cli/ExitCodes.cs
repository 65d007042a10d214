namespace Kusd.Moderation.Cli;

/// <summary>What CI scripts key on (DESIGN.md "CLI contract"); never renumber.</summary>
public static class ExitCodes
{
    /// <summary>No error or warning finding in any file.</summary>
    public const int Clean = 0;

    /// <summary>At least one error or warning finding remains.</summary>
    public const int Findings = 1;

    /// <summary>A usage error, or a file or option the tool could not read: the run proves nothing.</summary>
    public const int ToolError = 2;
}
