using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Kusd.Moderation.Storage;

/// <summary>
/// Encrypts face templates at rest with AES-256-GCM. The key lives outside the database (a key file
/// readable only by its owner, or an environment variable), so a copied database alone reveals no
/// biometric data. The person id and model are bound as associated data: a row moved to another
/// person does not decrypt.
/// </summary>
public sealed class TemplateProtector
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _key;

    public TemplateProtector(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length != 32)
        {
            throw new ArgumentException("The template key must be 32 bytes (AES-256).", nameof(key));
        }

        _key = (byte[])key.Clone();
    }

    /// <summary>
    /// The key from <c>KUSD_TEMPLATE_KEY</c> (base64) when set, else from <paramref name="keyFile"/>,
    /// created with owner-only permissions on first use.
    /// </summary>
    public static TemplateProtector FromKeyFile(string keyFile)
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("KUSD_TEMPLATE_KEY");
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return new TemplateProtector(Convert.FromBase64String(fromEnvironment.Trim()));
        }

        if (File.Exists(keyFile))
        {
            return new TemplateProtector(Convert.FromBase64String(File.ReadAllText(keyFile).Trim()));
        }

        var key = RandomNumberGenerator.GetBytes(32);
        var directory = Path.GetDirectoryName(Path.GetFullPath(keyFile));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(keyFile, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(Convert.ToBase64String(key));
        }

        return new TemplateProtector(key);
    }

    public byte[] Protect(ReadOnlySpan<float> embedding, string personId, string model)
    {
        var plain = new byte[embedding.Length * sizeof(float)];
        for (var i = 0; i < embedding.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(plain.AsSpan(i * sizeof(float)), embedding[i]);
        }

        var result = new byte[NonceSize + TagSize + plain.Length];
        var nonce = result.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plain, result.AsSpan(NonceSize + TagSize), result.AsSpan(NonceSize, TagSize), AssociatedData(personId, model));
        CryptographicOperations.ZeroMemory(plain);
        return result;
    }

    public float[] Unprotect(ReadOnlySpan<byte> sealedTemplate, string personId, string model)
    {
        if (sealedTemplate.Length < NonceSize + TagSize || (sealedTemplate.Length - NonceSize - TagSize) % sizeof(float) != 0)
        {
            throw new CryptographicException("A stored face template is malformed.");
        }

        var plain = new byte[sealedTemplate.Length - NonceSize - TagSize];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(sealedTemplate[..NonceSize], sealedTemplate[(NonceSize + TagSize)..], sealedTemplate.Slice(NonceSize, TagSize), plain, AssociatedData(personId, model));
        var values = new float[plain.Length / sizeof(float)];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(plain.AsSpan(i * sizeof(float)));
        }

        CryptographicOperations.ZeroMemory(plain);
        return values;
    }

    private static byte[] AssociatedData(string personId, string model) => Encoding.UTF8.GetBytes(personId + "\n" + model);
}
