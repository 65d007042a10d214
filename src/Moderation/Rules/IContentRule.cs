using Kusd.Moderation.Content;
using Kusd.Moderation.Roster;
using Kusd.Moderation.Text;

namespace Kusd.Moderation.Rules;

/// <summary>
/// A text checker: reads the parsed fields (the post's and the text read from its images) and reports findings. A checker that throws or times out is
/// reported as <c>check/unavailable</c>: content is never approved because a checker failed.
/// </summary>
public interface IContentRule
{
    /// <summary>Short name for timings and <c>check/unavailable</c> messages, e.g. <c>names</c>.</summary>
    string Name { get; }

    ValueTask AnalyzeAsync(CheckContext context, IList<Finding> findings, CancellationToken cancellationToken);
}

/// <summary>What every checker of one check sees.</summary>
public sealed class CheckContext
{
    private readonly Lazy<NameMatches> _names;

    public CheckContext(CheckRequest request, IReadOnlyList<ParsedField> fields, RosterSnapshot roster, ModerationOptions options)
    {
        Request = request;
        Fields = fields;
        Roster = roster;
        Options = options;
        _names = new Lazy<NameMatches>(() => NameMatches.Build(Fields, Roster), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public CheckRequest Request { get; }

    public IReadOnlyList<ParsedField> Fields { get; }

    public RosterSnapshot Roster { get; }

    public ModerationOptions Options { get; }

    public Channel Channel => Request.Channel;

    /// <summary>What only the audit record may hold (never the verdict).</summary>
    public CheckAudit Audit { get; init; } = new();

    /// <summary>
    /// The words and roster names of every readable segment, built once for this check on first use and read by
    /// both name rules (student-name/elementary and media-restriction/name).
    /// </summary>
    public NameMatches Names => _names.Value;
}

/// <summary>A checker that reads each field's text segments synchronously.</summary>
public abstract class TextRule : IContentRule
{
    public abstract string Name { get; }

    public ValueTask AnalyzeAsync(CheckContext context, IList<Finding> findings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var field in context.Fields)
        {
            cancellationToken.ThrowIfCancellationRequested();
            AnalyzeField(context, field, findings);
        }

        return ValueTask.CompletedTask;
    }

    protected abstract void AnalyzeField(CheckContext context, ParsedField field, IList<Finding> findings);
}

/// <summary>What a check learned that the caller must not see but the audit record keeps (who a face matched).</summary>
public sealed class CheckAudit
{
    private readonly List<Faces.FaceMatch> _faceMatches = [];

    public IReadOnlyList<Faces.FaceMatch> FaceMatches
    {
        get
        {
            lock (_faceMatches)
            {
                return [.. _faceMatches];
            }
        }
    }

    public void Add(Faces.FaceMatch match)
    {
        lock (_faceMatches)
        {
            _faceMatches.Add(match);
        }
    }
}
