using Kusd.Moderation.Cli.Checking;

namespace Kusd.Moderation.Cli.Tests;

public sealed class LineMapTests
{
    [Theory]
    [InlineData("ab\ncd", 4, 2, 2)]
    [InlineData("ab\r\ncd", 5, 2, 2)]
    [InlineData("ab\rcd", 3, 2, 1)]
    [InlineData("a\r\n\r\nb", 5, 3, 1)]
    [InlineData("a\n\rb", 3, 3, 1)]
    [InlineData("abc", 0, 1, 1)]
    [InlineData("abc", 3, 1, 4)]
    public void OffsetsMapToOneBasedLineAndColumnForEveryLineEnding(string text, int offset, int line, int column)
    {
        var map = new LineMap(text);

        Assert.Equal((line, column), map.Locate(offset));
    }

    [Fact]
    public void ColumnsCountUtf16CodeUnitsSoSurrogatePairsCountTwice()
    {
        var map = new LineMap("x\n😀 Emma");

        Assert.Equal((2, 4), map.Locate(5));
    }
}
