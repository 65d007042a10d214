using Kusd.Moderation.Models.Faces;

namespace Kusd.Moderation.Faces;

/// <summary>One photo that could not become a template, and why (never who).</summary>
public sealed record EnrollmentError(string Photo, string Message);

/// <param name="Templates">The person's templates of the current embedder after this enrolment.</param>
/// <param name="Advice">What to do next when the person has fewer templates than <see cref="FaceEnrollment.RecommendedTemplates"/>.</param>
public sealed record EnrollmentResult(int TemplatesAdded, IReadOnlyList<EnrollmentError> Errors, int Templates = 0, string? Advice = null)
{
    public bool Succeeded => Errors.Count == 0;
}

/// <summary>
/// Turns enrolment photos into templates: each photo must hold exactly one recognisable face. All
/// photos are checked before any template is stored (all or nothing); the photos themselves are
/// never stored.
/// </summary>
public sealed class FaceEnrollment(IFaceAnalyzer analyzer, IFaceTemplateStore roster)
{
    /// <summary>
    /// Templates per restricted child that enrolment asks for. The children's evaluation (README "Faces: children")
    /// flags a restricted child in more of their photos with two or three enrolment photos than with one (56.6 % with
    /// one, 65.3 % with two, 62.7 % with three), and children's faces change within a year or two, so the advice is
    /// three photos or more, from different days, renewed each school year.
    /// </summary>
    public const int RecommendedTemplates = 3;

    public static string AdviceFor(int templates) =>
        $"This person has {templates} face template(s). Enrol at least {RecommendedTemplates} photos, from different days and settings, "
        + "and enrol new photos each school year: children's faces change, and one photo finds fewer of their pictures.";

    public EnrollmentResult Enroll(string personId, IReadOnlyList<(string Name, ReadOnlyMemory<byte> Data)> photos, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(photos);
        if (roster.FindPerson(personId) is null)
        {
            return new EnrollmentResult(0, [new EnrollmentError("", "No person with that id is on the roster.")]);
        }

        if (photos.Count == 0)
        {
            return new EnrollmentResult(0, [new EnrollmentError("", "Send at least one photo.")]);
        }

        var errors = new List<EnrollmentError>();
        var embeddings = new List<float[]>();
        foreach (var (name, data) in photos)
        {
            cancellationToken.ThrowIfCancellationRequested();
            FaceAnalysis analysis;
            try
            {
                analysis = analyzer.Analyze(data, cancellationToken);
            }
            catch (Models.Images.ImageRejectedException ex)
            {
                errors.Add(new EnrollmentError(name, ex.Message));
                continue;
            }

            switch (analysis.Faces.Count)
            {
                case 0:
                    errors.Add(new EnrollmentError(name, "No face was found in this photo."));
                    continue;
                case > 1:
                    errors.Add(new EnrollmentError(name, $"This photo shows {analysis.Faces.Count} faces; an enrolment photo must show exactly one."));
                    continue;
            }

            var face = analysis.Faces[0];
            if (face.Embedding is null || !face.Quality.IsRecognizable)
            {
                errors.Add(new EnrollmentError(name, $"The face in this photo cannot be recognised reliably ({face.Quality.Reason ?? "low quality"}); use a sharper, frontal, larger photo."));
                continue;
            }

            embeddings.Add(face.Embedding);
        }

        if (errors.Count > 0)
        {
            return new EnrollmentResult(0, errors);
        }

        foreach (var embedding in embeddings)
        {
            roster.AddTemplate(personId, analyzer.EmbedderId, embedding);
        }

        var templates = roster.CountTemplates(personId, analyzer.EmbedderId);
        return new EnrollmentResult(embeddings.Count, [], templates, templates < RecommendedTemplates ? AdviceFor(templates) : null);
    }
}
