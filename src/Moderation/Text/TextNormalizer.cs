namespace Kusd.Moderation.Text;

/// <summary>Folds text for matching while keeping a map back to the original offsets.</summary>
public static class TextNormalizer
{
    /// <summary>Placeholder until the full normaliser lands: lower-cases one-for-one.</summary>
    public static NormalizedText Normalize(TextSegment segment)
    {
        ArgumentNullException.ThrowIfNull(segment);
        var text = segment.Text.ToLowerInvariant();
        var map = new int[text.Length + 1];
        for (var i = 0; i < map.Length; i++)
        {
            map[i] = i;
        }

        return new NormalizedText(segment, text, map);
    }
}
