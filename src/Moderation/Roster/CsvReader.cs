using System.Text;

namespace Kusd.Moderation.Roster;

/// <summary>One CSV record with the 1-based line of the file it starts on.</summary>
internal sealed record CsvRecord(int Line, IReadOnlyList<string> Fields)
{
    public bool IsBlank => Fields.Count == 1 && Fields[0].Length == 0;
}

/// <summary>
/// An RFC 4180 reader: quoted fields may hold commas, doubled quotes and line breaks; records end with
/// CRLF, LF or CR. Lenient where spreadsheets are (text after a closing quote is kept) so that one odd
/// cell becomes a row error rather than a failed file.
/// </summary>
internal sealed class CsvReader
{
    private readonly TextReader _reader;
    private int _line = 1;
    private int _peeked = -2;

    public CsvReader(TextReader reader) => _reader = reader;

    /// <summary>Set when a quoted field runs to the end of the file; the line where it was opened.</summary>
    public int? UnterminatedQuoteLine { get; private set; }

    public IEnumerable<CsvRecord> ReadAll()
    {
        while (TryRead(out var record))
        {
            yield return record;
        }
    }

    public bool TryRead(out CsvRecord record)
    {
        record = null!;
        if (Peek() < 0)
        {
            return false;
        }

        var startLine = _line;
        var fields = new List<string>();
        var field = new StringBuilder();
        while (true)
        {
            var c = Read();
            if (c < 0)
            {
                fields.Add(field.ToString());
                break;
            }

            if (c == '"' && field.Length == 0)
            {
                ReadQuoted(field);
                continue;
            }

            if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
                continue;
            }

            if (c is '\r' or '\n')
            {
                if (c == '\r' && Peek() == '\n')
                {
                    Read();
                }

                _line++;
                fields.Add(field.ToString());
                break;
            }

            field.Append((char)c);
        }

        record = new CsvRecord(startLine, fields);
        return true;
    }

    private void ReadQuoted(StringBuilder field)
    {
        var openedOn = _line;
        while (true)
        {
            var c = Read();
            if (c < 0)
            {
                UnterminatedQuoteLine ??= openedOn;
                return;
            }

            if (c == '"')
            {
                if (Peek() == '"')
                {
                    Read();
                    field.Append('"');
                    continue;
                }

                return;
            }

            if (c == '\r' || (c == '\n'))
            {
                // Line breaks inside quotes are data; count them so later rows keep true line numbers.
                if (c == '\r' && Peek() == '\n')
                {
                    Read();
                    field.Append('\r');
                    c = '\n';
                }

                _line++;
            }

            field.Append((char)c);
        }
    }

    private int Peek()
    {
        if (_peeked == -2)
        {
            _peeked = _reader.Read();
        }

        return _peeked;
    }

    private int Read()
    {
        if (_peeked != -2)
        {
            var c = _peeked;
            _peeked = -2;
            return c;
        }

        return _reader.Read();
    }
}
