using System.CommandLine;
using System.Globalization;
using Kusd.Moderation.Faces;
using Kusd.Moderation.Models.Faces;
using Kusd.Moderation.Roster;
using Kusd.Moderation.Storage;

namespace Kusd.Moderation.Cli.Commands;

/// <summary>
/// <c>kusd-moderate roster import|enroll|status --db FILE</c>: the roster database that <c>check --db</c>
/// reads. Output names rows, ids and photo files, never a person's name.
/// </summary>
internal sealed class RosterCommand : Command
{
    public RosterCommand(string workingDirectory)
        : base("roster", "Manage the roster database (people, media restrictions, face templates) used by 'check --db'.")
    {
        Subcommands.Add(CreateImport(workingDirectory));
        Subcommands.Add(CreateEnroll(workingDirectory));
        Subcommands.Add(CreateStatus(workingDirectory));
    }

    internal static Option<string> DbOption(bool required) => new("--db")
    {
        Description = "Roster database (SQLite). Its template key is kept beside it as FILE.key.",
        HelpName = "FILE",
        Required = required,
    };

    private static Command CreateImport(string workingDirectory)
    {
        var file = new Argument<string>("FILE.csv") { Description = "Roster CSV (id,role,givenName,familyName,preferredName,grade,mediaRestriction,emails)." };
        var db = DbOption(required: true);
        var command = new Command("import", "Replace the roster with a CSV file: all rows or none. Face templates of people still present are kept.")
        {
            file,
            db,
        };
        command.SetAction((parseResult, _) => Task.FromResult(Import(
            Path.GetFullPath(parseResult.GetValue(file)!, workingDirectory),
            parseResult.GetValue(file)!,
            Path.GetFullPath(parseResult.GetValue(db)!, workingDirectory),
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error)));
        return command;
    }

    private static int Import(string csvPath, string displayPath, string dbPath, TextWriter stdout, TextWriter stderr)
    {
        if (!File.Exists(csvPath))
        {
            stderr.WriteLine($"{displayPath}: roster file not found.");
            return ExitCodes.ToolError;
        }

        RosterImportResult result;
        using (var stream = File.OpenRead(csvPath))
        {
            result = RosterCsv.Parse(stream, new ModerationOptions());
        }

        foreach (var note in result.Notes)
        {
            stderr.WriteLine($"{displayPath}: note: {note}");
        }

        if (result.Roster is null)
        {
            // Row errors carry "row N" (the line) and the column, never the value: safe for a CI log.
            foreach (var error in result.Errors)
            {
                stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{displayPath}({error.Line}): error: {error.Message}"));
            }

            stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{displayPath}: {result.Errors.Count} error(s); nothing was imported."));
            return ExitCodes.ToolError;
        }

        var database = RosterDatabase.Open(dbPath);
        database.ReplaceRoster(result.Roster);
        var status = database.GetStatus();
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Imported {status.People} people ({status.Students} students, {status.Staff} staff, {status.Restricted} with a media restriction)."));
        WriteUnprotected(stdout, status);
        return ExitCodes.Clean;
    }

    private static Command CreateEnroll(string workingDirectory)
    {
        var person = new Argument<string>("PERSON_ID") { Description = "Roster id of the person the photos show." };
        var photos = new Argument<string[]>("PHOTO") { Description = "Photos showing exactly this one person's face.", Arity = ArgumentArity.OneOrMore };
        var db = DbOption(required: true);
        var command = new Command("enroll", "Add face templates for a person from photos (each must show exactly one recognisable face). Photos are not stored.")
        {
            person,
            photos,
            db,
        };
        command.SetAction((parseResult, cancellationToken) => Task.FromResult(Enroll(
            parseResult.GetValue(person)!,
            parseResult.GetValue(photos)!,
            Path.GetFullPath(parseResult.GetValue(db)!, workingDirectory),
            workingDirectory,
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error,
            cancellationToken)));
        return command;
    }

    private static int Enroll(
        string personId, string[] photoPaths, string dbPath, string workingDirectory, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (!File.Exists(dbPath))
        {
            stderr.WriteLine("roster database not found: import a roster first ('kusd-moderate roster import FILE.csv --db FILE').");
            return ExitCodes.ToolError;
        }

        var database = RosterDatabase.Open(dbPath);
        if (database.FindPerson(personId) is null)
        {
            stderr.WriteLine($"{personId}: no person with this id is on the roster.");
            return ExitCodes.ToolError;
        }

        var photos = new List<(string Name, ReadOnlyMemory<byte> Data)>();
        foreach (var photo in photoPaths)
        {
            var full = Path.GetFullPath(photo, workingDirectory);
            if (!File.Exists(full))
            {
                stderr.WriteLine($"{photo}: photo not found.");
                return ExitCodes.ToolError;
            }

            photos.Add((photo, File.ReadAllBytes(full)));
        }

        using var analyzer = new FaceAnalyzer(new FaceOptions());
        var result = new FaceEnrollment(analyzer, database).Enroll(personId, photos, cancellationToken);
        if (!result.Succeeded)
        {
            foreach (var error in result.Errors)
            {
                stderr.WriteLine(error.Photo.Length > 0 ? $"{error.Photo}: error: {error.Message}" : $"{personId}: error: {error.Message}");
            }

            stderr.WriteLine($"{personId}: no template was added.");
            return ExitCodes.ToolError;
        }

        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{personId}: {result.TemplatesAdded} face template(s) added."));
        if (result.Advice is not null)
        {
            stdout.WriteLine($"{personId}: {result.Advice}");
        }

        return ExitCodes.Clean;
    }

    private static Command CreateStatus(string workingDirectory)
    {
        var db = DbOption(required: true);
        var command = new Command("status", "Counts of people and templates, and restricted people who have no face template yet.") { db };
        command.SetAction((parseResult, _) =>
        {
            var stdout = parseResult.InvocationConfiguration.Output;
            var path = Path.GetFullPath(parseResult.GetValue(db)!, workingDirectory);
            if (!File.Exists(path))
            {
                parseResult.InvocationConfiguration.Error.WriteLine("roster database not found.");
                return Task.FromResult(ExitCodes.ToolError);
            }

            var status = RosterDatabase.Open(path).GetStatus();
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{status.People} people: {status.Students} students, {status.Staff} staff; {status.Restricted} with a media restriction; {status.Templates} face template(s)."));
            WriteUnprotected(stdout, status);
            return Task.FromResult(ExitCodes.Clean);
        });
        return command;
    }

    private static void WriteUnprotected(TextWriter stdout, RosterStatus status)
    {
        if (status.RestrictedWithoutTemplates.Count > 0)
        {
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{status.RestrictedWithoutTemplates.Count} restricted people have no face template (photos of them are not recognised): {string.Join(", ", status.RestrictedWithoutTemplates)}"));
        }

        if (status.RestrictedWithFewTemplates.Count > 0)
        {
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{status.RestrictedWithFewTemplates.Count} restricted people have fewer than {FaceEnrollment.RecommendedTemplates} face templates (enrol more photos): {string.Join(", ", status.RestrictedWithFewTemplates)}"));
        }

        if (status.RestrictedEnrolledBeforeThisSchoolYear.Count > 0)
        {
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{status.RestrictedEnrolledBeforeThisSchoolYear.Count} restricted people have no face template from this school year (enrol new photos): {string.Join(", ", status.RestrictedEnrolledBeforeThisSchoolYear)}"));
        }
    }
}
