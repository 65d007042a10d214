using System.Text;
using System.Xml;
using Kusd.Moderation.Models.Images;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Metadata;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.Metadata.Profiles.Iptc;

namespace Kusd.Moderation.Models.Metadata;

/// <summary>A place recorded in an image's metadata. <see cref="Field"/> names the tag, never the value.</summary>
public sealed record LocationTag(string Source, string Field, double? Latitude = null, double? Longitude = null);

/// <summary>A rights holder, creator or credit line recorded in an image's metadata.</summary>
public sealed record CreditTag(string Source, string Field, string Value);

/// <summary>What an image's metadata says about where it was taken and who holds its rights.</summary>
public sealed record ImageMetadataReport(
    IReadOnlyList<LocationTag> Locations,
    IReadOnlyList<CreditTag> Credits,
    bool HasExif,
    bool HasIptc,
    bool HasXmp,
    bool HasIcc)
{
    public bool HasAnyProfile => HasExif || HasIptc || HasXmp || HasIcc;
}

/// <summary>
/// Reads EXIF, IPTC, XMP and PNG text metadata from the header only (no pixel decode), after the
/// size and format limits of <see cref="ImageIntake"/>. Thread-safe.
/// </summary>
public sealed class ImageMetadataReader
{
    private const string XmpExif = "http://ns.adobe.com/exif/1.0/";
    private const string XmpPhotoshop = "http://ns.adobe.com/photoshop/1.0/";
    private const string XmpIptcCore = "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/";
    private const string XmpIptcExt = "http://iptc.org/std/Iptc4xmpExt/2008-02-29/";
    private const string XmpDc = "http://purl.org/dc/elements/1.1/";
    private const string XmpRights = "http://ns.adobe.com/xap/1.0/rights/";

    private static readonly (string Ns, string Name)[] XmpLocationFields =
    [
        (XmpExif, "GPSLatitude"), (XmpExif, "GPSLongitude"), (XmpExif, "GPSAreaInformation"),
        (XmpPhotoshop, "City"), (XmpPhotoshop, "State"), (XmpPhotoshop, "Country"),
        (XmpIptcCore, "Location"), (XmpIptcExt, "LocationCreated"), (XmpIptcExt, "LocationShown"),
        (XmpIptcExt, "City"), (XmpIptcExt, "Sublocation"),
    ];

    private static readonly (string Ns, string Name)[] XmpCreditFields =
    [
        (XmpDc, "rights"), (XmpDc, "creator"), (XmpPhotoshop, "Credit"), (XmpPhotoshop, "Source"),
        (XmpRights, "Owner"), (XmpIptcCore, "CreatorContactInfo"),
    ];

    private readonly ImageIntake _intake;

    public ImageMetadataReader(ImageIntake? intake = null) => _intake = intake ?? new ImageIntake();

    public ImageMetadataReport Read(ReadOnlyMemory<byte> encoded)
    {
        _intake.Inspect(encoded);
        IImageInfo? info;
        try
        {
            using var stream = new MemoryStream(encoded.ToArray(), writable: false);
            info = Image.Identify(stream);
        }
        catch (Exception ex) when (ex is ImageFormatException or InvalidDataException or ArgumentException or IndexOutOfRangeException or EndOfStreamException)
        {
            throw new ImageRejectedException(ImageRejection.Corrupt, "The image metadata is corrupt.", ex);
        }

        return info is null
            ? new ImageMetadataReport([], [], false, false, false, false)
            : Read(info.Metadata);
    }

    /// <summary>Reads the metadata of an image already identified or decoded.</summary>
    public static ImageMetadataReport Read(ImageMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var locations = new List<LocationTag>();
        var credits = new List<CreditTag>();
        ReadExif(metadata.ExifProfile, locations, credits);
        ReadIptc(metadata.IptcProfile, locations, credits);
        var xmp = metadata.XmpProfile?.ToByteArray();
        if (xmp is { Length: > 0 })
        {
            ReadXmp(xmp, locations, credits);
        }

        foreach (var text in metadata.GetPngMetadata().TextData)
        {
            if (text.Keyword is "Copyright" or "Author" or "Source" && !string.IsNullOrWhiteSpace(text.Value))
            {
                credits.Add(new CreditTag("PNG", text.Keyword, text.Value.Trim()));
            }
        }

        return new ImageMetadataReport(
            locations,
            credits,
            metadata.ExifProfile is { Values.Count: > 0 },
            metadata.IptcProfile is { Values: var iptc } && iptc.Any(),
            xmp is { Length: > 0 },
            metadata.IccProfile is not null);
    }

    private static void ReadExif(ExifProfile? exif, List<LocationTag> locations, List<CreditTag> credits)
    {
        if (exif is null)
        {
            return;
        }

        var lat = ToDegrees(exif.GetValue(ExifTag.GPSLatitude)?.Value, exif.GetValue(ExifTag.GPSLatitudeRef)?.Value, "S");
        var lon = ToDegrees(exif.GetValue(ExifTag.GPSLongitude)?.Value, exif.GetValue(ExifTag.GPSLongitudeRef)?.Value, "W");
        if (lat is not null || lon is not null)
        {
            locations.Add(new LocationTag("EXIF", "GPSLatitude/GPSLongitude", lat, lon));
        }

        if (exif.GetValue(ExifTag.GPSDestLatitude)?.Value is { Length: > 0 } || exif.GetValue(ExifTag.GPSDestLongitude)?.Value is { Length: > 0 })
        {
            locations.Add(new LocationTag("EXIF", "GPSDestLatitude/GPSDestLongitude"));
        }

        if (!string.IsNullOrWhiteSpace(exif.GetValue(ExifTag.GPSAreaInformation)?.Value.Text))
        {
            locations.Add(new LocationTag("EXIF", "GPSAreaInformation"));
        }

        AddCredit(credits, "EXIF", "Copyright", exif.GetValue(ExifTag.Copyright)?.Value);
        AddCredit(credits, "EXIF", "Artist", exif.GetValue(ExifTag.Artist)?.Value);
    }

    private static void ReadIptc(IptcProfile? iptc, List<LocationTag> locations, List<CreditTag> credits)
    {
        if (iptc is null)
        {
            return;
        }

        foreach (var tag in new[] { IptcTag.City, IptcTag.SubLocation, IptcTag.ProvinceState, IptcTag.Country, IptcTag.CountryCode })
        {
            if (iptc.GetValues(tag).Any(v => !string.IsNullOrWhiteSpace(v.Value)))
            {
                locations.Add(new LocationTag("IPTC", tag.ToString()));
            }
        }

        foreach (var tag in new[] { IptcTag.CopyrightNotice, IptcTag.Credit, IptcTag.Byline, IptcTag.Source })
        {
            foreach (var value in iptc.GetValues(tag))
            {
                AddCredit(credits, "IPTC", tag.ToString(), value.Value);
            }
        }
    }

    private static void ReadXmp(byte[] xmp, List<LocationTag> locations, List<CreditTag> credits)
    {
        // XMP is attacker-controlled XML: no DTD, no resolver, bounded size.
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = 4_000_000,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
        };
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(xmp, writable: false), settings);
            while (reader.Read())
            {
                if (reader.NodeType != XmlNodeType.Element)
                {
                    continue;
                }

                var depth = reader.Depth;
                var (ns, name) = (reader.NamespaceURI, reader.LocalName);
                if (reader.HasAttributes)
                {
                    // The short form of RDF puts simple properties in attributes of rdf:Description.
                    for (var i = 0; i < reader.AttributeCount; i++)
                    {
                        reader.MoveToAttribute(i);
                        Classify(reader.NamespaceURI, reader.LocalName, reader.Value, locations, credits);
                    }

                    reader.MoveToElement();
                }

                if (IsIn(XmpLocationFields, ns, name) || IsIn(XmpCreditFields, ns, name))
                {
                    var text = reader.IsEmptyElement ? string.Empty : ReadText(reader, depth);
                    Classify(ns, name, text, locations, credits);
                }
            }
        }
        catch (XmlException)
        {
            // Broken XMP cannot be judged; the sanitizer strips it anyway.
        }
    }

    private static string ReadText(XmlReader reader, int depth)
    {
        var text = new StringBuilder();
        while (reader.Read() && reader.Depth > depth)
        {
            if (reader.NodeType is XmlNodeType.Text or XmlNodeType.CDATA)
            {
                text.Append(text.Length > 0 ? " " : string.Empty).Append(reader.Value.Trim());
            }
            else if (reader.NodeType == XmlNodeType.Element && reader.HasAttributes)
            {
                // Structured values (Iptc4xmpExt:LocationCreated) carry their parts as attributes.
                for (var i = 0; i < reader.AttributeCount; i++)
                {
                    reader.MoveToAttribute(i);
                    if (reader.Prefix is not "xmlns" and not "rdf" and not "xml")
                    {
                        text.Append(text.Length > 0 ? " " : string.Empty).Append(reader.Value.Trim());
                    }
                }

                reader.MoveToElement();
            }
        }

        return text.ToString();
    }

    private static void Classify(string ns, string name, string value, List<LocationTag> locations, List<CreditTag> credits)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return;
        }

        if (IsIn(XmpLocationFields, ns, name))
        {
            if (!locations.Any(l => l.Source == "XMP" && l.Field == name))
            {
                locations.Add(new LocationTag("XMP", name));
            }
        }
        else if (IsIn(XmpCreditFields, ns, name))
        {
            AddCredit(credits, "XMP", name, value);
        }
    }

    private static bool IsIn((string Ns, string Name)[] fields, string ns, string name) =>
        fields.Any(f => f.Ns == ns && f.Name == name);

    private static void AddCredit(List<CreditTag> credits, string source, string field, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            var trimmed = value.Trim();
            if (!credits.Any(c => c.Value == trimmed && c.Field == field))
            {
                credits.Add(new CreditTag(source, field, trimmed.Length > 200 ? trimmed[..200] : trimmed));
            }
        }
    }

    private static double? ToDegrees(Rational[]? parts, string? reference, string negative)
    {
        if (parts is not { Length: > 0 })
        {
            return null;
        }

        double degrees = 0;
        double unit = 1;
        foreach (var part in parts.Take(3))
        {
            var value = part.Denominator == 0 ? 0 : (double)part.Numerator / part.Denominator;
            degrees += value / unit;
            unit *= 60;
        }

        var sign = string.Equals(reference?.Trim(), negative, StringComparison.OrdinalIgnoreCase) ? -1 : 1;
        var result = Math.Round(sign * degrees, 6);
        return double.IsFinite(result) ? result : null;
    }
}
