using Kusd.Moderation.Links;

namespace Kusd.Moderation.Tests.Links;

public sealed class UrlExtractorTests
{
    [Theory]
    [InlineData("See https://example.com/a?b=1.", "https://example.com/a?b=1")]
    [InlineData("(see https://en.wikipedia.org/wiki/Foo_(bar))", "https://en.wikipedia.org/wiki/Foo_(bar)")]
    [InlineData("Visit www.example.com!", "www.example.com")]
    [InlineData("Sign up at signupgenius.com/go/abc123, thanks", "signupgenius.com/go/abc123")]
    [InlineData("Order at lifetouch.com.", "lifetouch.com")]
    [InlineData("Go to bit.ly/3xYz", "bit.ly/3xYz")]
    [InlineData("Sign up at signupgenius.com at any time.", "signupgenius.com")]
    [InlineData("\"https://example.org/x\"", "https://example.org/x")]
    [InlineData("link: https://kusd.edu@evil.com/login", "https://kusd.edu@evil.com/login")]
    public void UrlsInProseAreFoundWithoutTrailingPunctuation(string text, string expected)
    {
        var found = Assert.Single(UrlExtractor.FindInText(text, PublicSuffixList.Default));
        Assert.Equal(expected, text[found.Start..found.End]);
    }

    [Theory]
    [InlineData("Use good sources, e.g. the library.")]
    [InlineData("Thanks to Mr.Smith and Dr.Kim for coaching.")]
    [InlineData("Upload report.pdf and notes.md by Friday.")]
    [InlineData("Our average rose from 3.5 to 3.75.")]
    [InlineData("We won.It was great.")]
    [InlineData("Email jdoe@gmail.com for tickets.")]
    [InlineData("Version 1.2.3 ships today at 10.30.")]
    [InlineData("The logo.ai file is attached.")]
    [InlineData("Write to nguyen.thao(at)gmail.com or pa.vang{at}gmail.com.")]
    [InlineData("Sizes to becker.family at gmail dot com, or kowalski.family [at] gmail.com.")]
    public void ProseFileNamesNumbersAndEmailsAreNotUrls(string text)
    {
        Assert.Empty(UrlExtractor.FindInText(text, PublicSuffixList.Default));
    }

    [Theory]
    [InlineData("#top")]
    [InlineData("/calendar")]
    [InlineData("../news/index.html")]
    [InlineData("mailto:someone@example.com")]
    [InlineData("tel:+12625551234")]
    [InlineData("javascript:void(0)")]
    [InlineData("photos/field-day.jpg")]
    public void RelativeAndNonWebTargetsAreNotLinks(string target)
    {
        Assert.Null(UrlExtractor.ParseTarget(target));
    }

    [Fact]
    public void PunycodeHostsAreDecoded()
    {
        var url = UrlExtractor.ParseTarget("https://xn--bcher-kva.de/path");

        Assert.NotNull(url);
        Assert.Equal("bücher.de", url.Host);
        Assert.Equal("xn--bcher-kva.de", url.AsciiHost);
    }

    [Fact]
    public void UserInfoIsNotTheHost()
    {
        var url = UrlExtractor.ParseTarget("https://kusd.edu@evil.com/");

        Assert.NotNull(url);
        Assert.Equal("evil.com", url.Host);
        Assert.True(url.HasUserInfo);
    }

    [Fact]
    public void ProtocolRelativeTargetsAreWebLinks()
    {
        Assert.Equal("cdn.example.com", UrlExtractor.ParseTarget("//cdn.example.com/a.js")?.Host);
    }
}
