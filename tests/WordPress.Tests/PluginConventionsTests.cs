using System.Text.RegularExpressions;

namespace Kusd.Moderation.WordPress.Tests;

/// <summary>
/// What WordPress's plugin check asks that can be checked offline (its PHPCS standard is not packaged in Debian):
/// every file parses, is not reachable directly, escapes what it prints, and guards each entry point with a nonce
/// and a capability.
/// </summary>
public sealed partial class PluginConventionsTests
{
    private static readonly string PluginDirectory = Path.Combine(WordPressFixture.RepoRoot, "integrations", "wordpress", "kusd-moderation");

    private static IEnumerable<string> PhpFiles => Directory.EnumerateFiles(PluginDirectory, "*.php", SearchOption.AllDirectories);

    private static string Code(string file) => CommentPattern().Replace(File.ReadAllText(file), string.Empty);

    [Fact]
    public async Task EveryPhpFileOfThePluginPassesPhpLint()
    {
        Assert.NotEmpty(PhpFiles);
        foreach (var file in PhpFiles)
        {
            var output = await WordPressFixture.RunAsync("php", ["-l", file]);
            Assert.Contains("No syntax errors detected", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void EveryPhpFileExitsWhenRequestedDirectly()
    {
        foreach (var file in PhpFiles)
        {
            var text = File.ReadAllText(file);
            var guard = Path.GetFileName(file) == "uninstall.php" ? "defined( 'WP_UNINSTALL_PLUGIN' ) || exit;" : "defined( 'ABSPATH' ) || exit;";
            Assert.True(text.Contains(guard, StringComparison.Ordinal), $"{Path.GetFileName(file)} lacks {guard}");
        }
    }

    [Fact]
    public void EverythingPrintedIsEscaped()
    {
        var unescaped = new List<string>();
        foreach (var file in PhpFiles)
        {
            foreach (Match echo in EchoPattern().Matches(Code(file)))
            {
                var expression = echo.Groups["expr"].Value.Trim();
                if (!EscapedPattern().IsMatch(expression) && !NoVariablePattern().IsMatch(expression))
                {
                    unescaped.Add($"{Path.GetFileName(file)}: echo {expression}");
                }
            }

            foreach (Match printf in PrintfPattern().Matches(Code(file)))
            {
                foreach (var argument in TopLevelArguments(printf.Groups["args"].Value).Skip(1))
                {
                    if (!EscapedPattern().IsMatch(argument.Trim()))
                    {
                        unescaped.Add($"{Path.GetFileName(file)}: printf argument {argument.Trim()}");
                    }
                }
            }
        }

        Assert.Empty(unescaped);
    }

    [Fact]
    public void EveryEntryPointChecksACapabilityAndFormsCarryNonces()
    {
        var code = string.Join('\n', PhpFiles.Select(Code));

        // REST routes: a permission callback on each, never open to everyone.
        var routes = RoutePattern().Matches(code).Count;
        Assert.True(routes > 0);
        Assert.Equal(routes, PermissionPattern().Matches(code).Count);
        Assert.DoesNotContain("__return_true", code, StringComparison.Ordinal);

        // admin-post handlers: capability and nonce before anything else.
        foreach (Match hook in AdminPostPattern().Matches(code))
        {
            var body = FunctionBody(code, hook.Groups["method"].Value);
            Assert.Contains("current_user_can(", body, StringComparison.Ordinal);
            Assert.Contains("check_admin_referer(", body, StringComparison.Ordinal);
        }

        // Forms posting to admin-post.php print a nonce field; the settings form gets one from settings_fields().
        Assert.Equal(Regex.Matches(code, "admin-post\\.php").Count, Regex.Matches(code, "wp_nonce_field\\(").Count);
        Assert.Contains("settings_fields(", code, StringComparison.Ordinal);

        // Request input is read only through REST arguments (typed and validated by WordPress), never raw superglobals.
        Assert.DoesNotMatch(SuperglobalPattern(), code);
    }

    private static string FunctionBody(string code, string name)
    {
        var start = code.IndexOf($"function {name}(", StringComparison.Ordinal);
        Assert.True(start >= 0, $"function {name} not found");
        var open = code.IndexOf('{', start);
        var depth = 0;
        for (var i = open; i < code.Length; i++)
        {
            depth += code[i] switch { '{' => 1, '}' => -1, _ => 0 };
            if (depth == 0)
            {
                return code[open..i];
            }
        }

        return code[open..];
    }

    private static IEnumerable<string> TopLevelArguments(string args)
    {
        var depth = 0;
        var start = 0;
        char? quote = null;
        for (var i = 0; i < args.Length; i++)
        {
            var c = args[i];
            if (quote is not null)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == quote)
                {
                    quote = null;
                }

                continue;
            }

            switch (c)
            {
                case '\'' or '"':
                    quote = c;
                    break;
                case '(' or '[':
                    depth++;
                    break;
                case ')' or ']':
                    depth--;
                    break;
                case ',' when depth == 0:
                    yield return args[start..i];
                    start = i + 1;
                    break;
            }
        }

        yield return args[start..];
    }

    [GeneratedRegex(@"(?m)^\s*(//|\*|/\*\*).*$")]
    private static partial Regex CommentPattern();

    [GeneratedRegex(@"\becho\s+(?<expr>[^;]+);")]
    private static partial Regex EchoPattern();

    [GeneratedRegex(@"\bprintf\(\s*(?<args>.*?)\);\s*$", RegexOptions.Multiline)]
    private static partial Regex PrintfPattern();

    [GeneratedRegex(@"^(esc_html|esc_attr|esc_url|esc_textarea|esc_html__|esc_attr__|wp_kses\w*|esc_js|absint|\(int\)|intval)\b")]
    private static partial Regex EscapedPattern();

    // A literal with no variable or call: "\n", 'text'.
    [GeneratedRegex(@"^('[^'$]*'|""[^""$]*"")$")]
    private static partial Regex NoVariablePattern();

    [GeneratedRegex(@"register_rest_route\(")]
    private static partial Regex RoutePattern();

    [GeneratedRegex(@"'permission_callback'\s*=>")]
    private static partial Regex PermissionPattern();

    [GeneratedRegex(@"add_action\(\s*'admin_post_\w+',\s*array\(\s*__CLASS__,\s*'(?<method>\w+)'")]
    private static partial Regex AdminPostPattern();

    [GeneratedRegex(@"\$_(GET|POST|REQUEST|COOKIE)\b")]
    private static partial Regex SuperglobalPattern();
}
