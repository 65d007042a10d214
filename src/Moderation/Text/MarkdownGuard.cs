namespace Kusd.Moderation.Text;

/// <summary>
/// Refuses Markdown that would make Markdig slow or make it throw: deep container nesting (block quotes, lists)
/// and deep bracket nesting cost Markdig time that grows with the square of the depth.
/// </summary>
internal static class MarkdownGuard
{
    // Real posts nest a few levels; Markdig itself gives up at 128.
    internal const int MaxContainerDepth = 32;
    internal const int MaxBracketDepth = 32;

    /// <summary>The reason to read the text as plain text instead, or null when Markdig may parse it.</summary>
    public static string? Check(string text)
    {
        var bracketDepth = 0;
        var lineStart = true;
        var containers = 0;
        var indent = 0;
        var blankLine = true;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\n')
            {
                if (blankLine)
                {
                    bracketDepth = 0;
                }

                lineStart = true;
                blankLine = true;
                containers = 0;
                indent = 0;
                continue;
            }

            if (lineStart)
            {
                switch (c)
                {
                    case ' ':
                        indent++;
                        continue;
                    case '\t':
                        indent += 4;
                        continue;
                    case '>':
                        containers += 1 + (indent / 2);
                        indent = 0;
                        continue;
                    case '-' or '*' or '+' when i + 1 < text.Length && text[i + 1] is ' ' or '\t':
                        containers += 1 + (indent / 2);
                        indent = 0;
                        continue;
                    case >= '0' and <= '9':
                        var j = i;
                        while (j < text.Length && j - i < 10 && char.IsAsciiDigit(text[j]))
                        {
                            j++;
                        }

                        if (j + 1 < text.Length && text[j] is '.' or ')' && text[j + 1] is ' ' or '\t')
                        {
                            containers += 1 + (indent / 2);
                            indent = 0;
                            i = j;
                            continue;
                        }

                        break;
                }

                lineStart = false;
                if (containers > MaxContainerDepth)
                {
                    return "markdown-too-deep: containers";
                }
            }

            if (c != '\r')
            {
                blankLine = false;
            }

            if (c == '\\')
            {
                i++;
            }
            else if (c == '[')
            {
                if (++bracketDepth > MaxBracketDepth)
                {
                    return "markdown-too-deep: brackets";
                }
            }
            else if (c == ']' && bracketDepth > 0)
            {
                bracketDepth--;
            }
        }

        return containers > MaxContainerDepth ? "markdown-too-deep: containers" : null;
    }
}
