namespace Kusd.Moderation.Text;

/// <summary>Collects decoded characters with the field span each came from, then cuts them into a segment.</summary>
internal sealed class SegmentBuilder
{
    private char[] _chars = new char[64];
    private int[] _starts = new int[64];
    private int[] _ends = new int[64];
    private int _count;

    public SegmentBuilder(SegmentKind kind) => Kind = kind;

    public SegmentKind Kind { get; }

    public int Count => _count;

    public void Append(char c, int start, int end)
    {
        if (_count == _chars.Length)
        {
            Grow();
        }

        _chars[_count] = c;
        _starts[_count] = start;
        _ends[_count] = Math.Max(start, end);
        _count++;
    }

    /// <summary>Appends source text that maps one-for-one to the field, starting at <paramref name="fieldOffset"/>.</summary>
    public void AppendRun(ReadOnlySpan<char> text, int fieldOffset, bool lineBreaksAsSpaces = false)
    {
        while (_count + text.Length > _chars.Length)
        {
            Grow();
        }

        var destination = _chars.AsSpan(_count, text.Length);
        text.CopyTo(destination);
        if (lineBreaksAsSpaces)
        {
            for (var at = destination.IndexOfAny(LineBreaks); at >= 0; at = destination.IndexOfAny(LineBreaks))
            {
                destination[at] = ' ';
                destination = destination[(at + 1)..];
            }
        }

        for (var k = 0; k < text.Length; k++)
        {
            _starts[_count + k] = fieldOffset + k;
            _ends[_count + k] = fieldOffset + k + 1;
        }

        _count += text.Length;
    }

    /// <summary>Appends several characters that all come from one place (a character reference, a ligature).</summary>
    public void Append(string text, int start, int end)
    {
        foreach (var c in text)
        {
            Append(c, start, end);
        }
    }

    /// <summary>
    /// Adds the builder's text to <paramref name="output"/> as one segment (dropped when blank; attribute values
    /// are trimmed, since browsers ignore the surrounding whitespace) and clears the builder.
    /// </summary>
    public void FlushTo(List<TextSegment> output, bool trim = false)
    {
        var first = 0;
        var last = _count;
        if (trim)
        {
            while (first < last && char.IsWhiteSpace(_chars[first]))
            {
                first++;
            }

            while (last > first && char.IsWhiteSpace(_chars[last - 1]))
            {
                last--;
            }
        }

        if (!_chars.AsSpan(first, last - first).ContainsAnyExcept(WhiteSpace))
        {
            _count = 0;
            return;
        }

        var length = last - first;
        var offsets = new int[length + 1];
        var ends = new int[length];
        Array.Copy(_starts, first, offsets, 0, length);
        Array.Copy(_ends, first, ends, 0, length);

        // Spans must never run backwards, whatever order the parser reported positions in.
        for (var i = 1; i < length; i++)
        {
            offsets[i] = Math.Max(offsets[i], offsets[i - 1]);
            ends[i] = Math.Max(ends[i], offsets[i]);
        }

        offsets[length] = Math.Max(ends[length - 1], offsets[length - 1]);
        output.Add(new TextSegment(Kind, new string(_chars, first, length), offsets, ends));
        _count = 0;
    }

    private static readonly System.Buffers.SearchValues<char> LineBreaks = System.Buffers.SearchValues.Create("\r\n\t\f");

    private static readonly System.Buffers.SearchValues<char> WhiteSpace = System.Buffers.SearchValues.Create(" \t\n\r\f\v\u00A0");

    private void Grow()
    {
        var size = _chars.Length * 2;
        Array.Resize(ref _chars, size);
        Array.Resize(ref _starts, size);
        Array.Resize(ref _ends, size);
    }
}
