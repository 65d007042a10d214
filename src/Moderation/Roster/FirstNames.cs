namespace Kusd.Moderation.Roster;

/// <summary>Common English first names (Resources/first-names.txt), folded like name tokens.</summary>
internal static class FirstNames
{
    private static readonly Lazy<HashSet<string>> Names = new(Load);

    public static bool Contains(string key) => Names.Value.Contains(key);

    private static HashSet<string> Load()
    {
        using var stream = typeof(FirstNames).Assembly.GetManifestResourceStream("Kusd.Moderation.Resources.first-names.txt")
                           ?? throw new InvalidOperationException("The first-names resource is missing from the assembly.");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            var name = line.Trim();
            if (name.Length > 0 && name[0] != '#')
            {
                set.Add(NameTokenizer.Fold(name));
            }
        }

        return set;
    }
}
