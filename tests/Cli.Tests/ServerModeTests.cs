namespace Kusd.Moderation.Cli.Tests;

/// <summary><c>--server</c> against the real API on a loopback port: same findings and outputs as a local check.</summary>
public sealed class ServerModeTests : IAsyncLifetime
{
    private readonly FixtureFolder _folder = new();
    private ApiServer _server = null!;
    private string _address = string.Empty;

    public async Task InitializeAsync()
    {
        _server = await ApiServer.StartAsync();
        _address = _server.Address.ToString();
        Environment.SetEnvironmentVariable("KUSD_API_KEY", _server.AdminKey);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _folder.Dispose();
        Directory.Delete(_server.DataDirectory, recursive: true);
    }

    [Fact]
    public async Task TheServerFindsWhatTheLocalCheckFindsAtTheSameLines()
    {
        _folder.Write("posts/a.md", "# News\n\nWrite to ekowalski27@students.kusd.edu for the photos.\n");
        _folder.Write("posts/b.html", "<p>Hello</p>\n<p>Mail <a href=\"mailto:liam.n@students.kusd.edu\">Liam</a></p>\n");
        _folder.WriteBytes("posts/astronaut.png", TestPhotos.Read(TestPhotos.Astronaut));

        var local = await _folder.RunAsync("check", "posts/a.md", "posts/b.html", "--format", "sarif");
        var remote = await _folder.RunAsync("check", "posts/a.md", "posts/b.html", "--format", "sarif", "--server", _address);
        var withImage = await _folder.RunAsync("check", "posts", "--server", _address, "--format", "json");

        Assert.Equal(ExitCodes.Findings, local.ExitCode);
        Assert.Equal(local.ExitCode, remote.ExitCode);
        Assert.Equal(local.Stdout, remote.Stdout);
        Assert.Contains("email/student", remote.Stdout, StringComparison.Ordinal);
        Assert.NotEqual(ExitCodes.ToolError, withImage.ExitCode);
        using var json = withImage.Json();
        Assert.Equal(3, json.RootElement.GetProperty("summary").GetProperty("files").GetInt32());
    }

    [Fact]
    public async Task AWrongKeyIsAToolErrorThatNamesTheStatus()
    {
        _folder.Write("a.md", "Hello\n");
        var key = Environment.GetEnvironmentVariable("KUSD_API_KEY");
        Environment.SetEnvironmentVariable("KUSD_API_KEY", "wrong-key");
        try
        {
            var result = await _folder.RunAsync("check", "a.md", "--server", _address);

            Assert.Equal(ExitCodes.ToolError, result.ExitCode);
            Assert.Contains("a.md: error: not checked: the server answered 401", result.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("KUSD_API_KEY", key);
        }
    }
}
