using Kusd.Moderation.Content;

namespace Kusd.Moderation.Cli.Checking;

/// <summary>A file to check: where it is, how to show it (as the user gave it, forward slashes), and how to parse it (text) or whether it is an image.</summary>
internal sealed record SourceFile(string FullPath, string DisplayPath, ContentFormat Format, bool IsImage = false);
