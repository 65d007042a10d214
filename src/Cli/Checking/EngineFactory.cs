using Kusd.Moderation.Faces;
using Kusd.Moderation.Images;
using Kusd.Moderation.Models.Faces;
using Kusd.Moderation.Roster;
using Kusd.Moderation.Rules;
using Kusd.Moderation.Storage;

namespace Kusd.Moderation.Cli.Checking;

/// <summary>An engine and the models it owns, released together at the end of a run.</summary>
internal sealed class LocalEngine(ModerationEngine engine, IReadOnlyList<IDisposable> owned) : IDisposable
{
    public ModerationEngine Engine { get; } = engine;

    public void Dispose()
    {
        foreach (var disposable in owned)
        {
            disposable.Dispose();
        }
    }
}

/// <summary>Builds the local engine for a run: text rules always, image models only when there are images.</summary>
internal static class EngineFactory
{
    /// <param name="roster">A CSV roster (<c>--roster</c>); it wins over the database's people for the text rules.</param>
    /// <param name="databasePath">A roster database (<c>--db</c>): people, and face templates for images.</param>
    /// <param name="withImages">Loading the face models takes about a second, so a text-only run skips it.</param>
    public static LocalEngine Create(ModerationOptions moderation, RosterSnapshot? roster, string? databasePath, bool withImages)
    {
        var database = databasePath is null ? null : RosterDatabase.Open(databasePath);
        IRosterProvider rosterProvider = roster is not null ? new FixedRosterProvider(roster)
            : database is not null ? database
            : new FixedRosterProvider(RosterSnapshot.Empty);
        var rules = new List<IContentRule>(DefaultRules.CreateTextRules(moderation));
        var owned = new List<IDisposable>();
        IImageSanitizer? sanitizer = null;
        if (withImages)
        {
            var analyzer = new FaceAnalyzer(new FaceOptions());
            owned.Add(analyzer);
            rules.Add(new FaceRule(analyzer, database ?? (IFaceTemplateProvider)NoFaceTemplates.Instance, new FaceMatchOptions()));
            var imageRules = ImageRules.Create(moderation);
            owned.Add(imageRules);
            rules.AddRange(imageRules.Rules);
            sanitizer = imageRules.Sanitizer;
        }

        return new LocalEngine(new ModerationEngine(rules, rosterProvider, moderation, sanitizer), owned);
    }
}
