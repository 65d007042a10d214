using System.IO.Compression;
using System.Text;

namespace Kusd.Moderation.Roster;

/// <summary>A OneRoster zip: its <c>users.csv</c>, read within a size limit whatever the zip declares.</summary>
internal static class OneRosterZip
{
    public static RosterImportResult Read(Stream stream, ModerationOptions options, RosterImportOptions importOptions)
    {
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException)
        {
            return RosterImportResult.Failed(RosterFormat.OneRoster, new RosterImportError(0, null, "the zip file is damaged"));
        }

        using (zip)
        {
            var users = zip.Entries.FirstOrDefault(e => e.FullName.Equals("users.csv", StringComparison.OrdinalIgnoreCase))
                        ?? zip.Entries.FirstOrDefault(e => e.Name.Equals("users.csv", StringComparison.OrdinalIgnoreCase));
            if (users is null)
            {
                return RosterImportResult.Failed(RosterFormat.OneRoster, new RosterImportError(0, null, "the zip holds no OneRoster users.csv"));
            }

            if (users.Length > importOptions.MaxZipEntryBytes)
            {
                return RosterImportResult.Failed(RosterFormat.OneRoster, new RosterImportError(0, "users.csv", "users.csv is larger than the configured limit"));
            }

            var hasManifest = zip.Entries.Any(e => e.Name.Equals("manifest.csv", StringComparison.OrdinalIgnoreCase));
            try
            {
                // The declared size can lie; the reader stops at the limit whatever the header says.
                using var entry = new LimitedReadStream(users.Open(), importOptions.MaxZipEntryBytes);
                using var reader = new StreamReader(entry, RosterCsv.StrictUtf8, detectEncodingFromByteOrderMarks: true);
                var result = RosterCsv.ParseText(reader, options, importOptions);
                if (result.Format != RosterFormat.OneRoster && result.Succeeded)
                {
                    return RosterImportResult.Failed(RosterFormat.OneRoster, new RosterImportError(1, null, "row 1: users.csv in the zip does not have a OneRoster header"));
                }

                return hasManifest || !result.Succeeded
                    ? result
                    : RosterImportResult.From([.. result.Roster!.People], result.Format, [], [.. result.Notes, "the zip has no manifest.csv; users.csv was read anyway"]);
            }
            catch (DecoderFallbackException)
            {
                return RosterImportResult.Failed(RosterFormat.OneRoster, new RosterImportError(0, null, "users.csv is not UTF-8 text"));
            }
            catch (InvalidDataException)
            {
                return RosterImportResult.Failed(RosterFormat.OneRoster, new RosterImportError(0, null, "the zip file is damaged"));
            }
            catch (LimitedReadStream.LimitExceededException)
            {
                return RosterImportResult.Failed(RosterFormat.OneRoster, new RosterImportError(0, "users.csv", "users.csv is larger than the configured limit"));
            }
        }
    }
}
