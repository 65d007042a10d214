namespace Kusd.Moderation.Roster;

/// <summary>The header row of a roster CSV: column names to positions, case-insensitive.</summary>
internal sealed class RosterHeader
{
    private readonly Dictionary<string, int> _index = new(StringComparer.OrdinalIgnoreCase);

    public RosterHeader(CsvRecord record)
    {
        Count = record.Fields.Count;
        for (var i = 0; i < record.Fields.Count; i++)
        {
            var name = record.Fields[i].Trim();
            if (name.Length > 0 && !_index.TryAdd(name, i) && !Duplicates.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                Duplicates.Add(name);
            }
        }
    }

    public int Count { get; }

    public List<string> Duplicates { get; } = [];

    public bool Has(string column) => _index.ContainsKey(column);

    public int IndexOf(string column) => _index.TryGetValue(column, out var i) ? i : -1;
}

/// <summary>One data row of a roster CSV, read by column name.</summary>
internal sealed class RosterRow(CsvRecord record, RosterHeader header)
{
    public int Line => record.Line;

    /// <summary>The trimmed cell, or empty when the column is absent.</summary>
    public string Get(string column)
    {
        var i = header.IndexOf(column);
        return i < 0 ? string.Empty : record.Fields[i].Trim();
    }
}
