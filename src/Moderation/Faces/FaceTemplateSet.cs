using Kusd.Moderation.Models.Faces;

namespace Kusd.Moderation.Faces;

/// <summary>
/// The decrypted templates of people with a media restriction, for one embedder model, held in memory
/// only. <see cref="PersonIds"/> is for the audit record; verdicts never carry it.
/// </summary>
public sealed class FaceTemplateSet
{
    public FaceTemplateSet(string model, int dimension, IReadOnlyList<string> personIds, IReadOnlyList<float[]> embeddings)
    {
        ArgumentNullException.ThrowIfNull(personIds);
        ArgumentNullException.ThrowIfNull(embeddings);
        if (personIds.Count != embeddings.Count)
        {
            throw new ArgumentException("One person id per template.", nameof(personIds));
        }

        Model = model;
        PersonIds = personIds;
        Index = new EmbeddingIndex(dimension, embeddings);

        // Each template's person as a number, in the order people first appear: the matcher keeps one best
        // similarity per person in an array instead of hashing a person id per template and face.
        var ordinals = new Dictionary<string, int>(StringComparer.Ordinal);
        var people = new List<string>();
        PersonOrdinals = new int[personIds.Count];
        for (var i = 0; i < personIds.Count; i++)
        {
            if (!ordinals.TryGetValue(personIds[i], out var ordinal))
            {
                ordinal = people.Count;
                ordinals[personIds[i]] = ordinal;
                people.Add(personIds[i]);
            }

            PersonOrdinals[i] = ordinal;
        }

        People = people;
    }

    public static FaceTemplateSet Empty(string model, int dimension) => new(model, dimension, [], []);

    public string Model { get; }

    public IReadOnlyList<string> PersonIds { get; }

    public EmbeddingIndex Index { get; }

    /// <summary>The distinct people, in the order their first template appears.</summary>
    public IReadOnlyList<string> People { get; }

    /// <summary>For each template (row of <see cref="Index"/>), its person's position in <see cref="People"/>.</summary>
    internal int[] PersonOrdinals { get; }

    public int Count => Index.Count;
}

/// <summary>Where the face rule gets the current templates (the roster database, or none).</summary>
public interface IFaceTemplateProvider
{
    FaceTemplateSet GetTemplates(string model, int dimension);
}

/// <summary>Where enrolment stores new templates (the roster database); the engine knows no database.</summary>
public interface IFaceTemplateStore : IFaceTemplateProvider
{
    Roster.Person? FindPerson(string personId);

    void AddTemplate(string personId, string model, ReadOnlySpan<float> embedding);

    /// <summary>How many templates of this embedder a person has (a count, nothing decrypted).</summary>
    int CountTemplates(string personId, string model);
}

public sealed class NoFaceTemplates : IFaceTemplateProvider
{
    public static readonly NoFaceTemplates Instance = new();

    public FaceTemplateSet GetTemplates(string model, int dimension) => FaceTemplateSet.Empty(model, dimension);
}
