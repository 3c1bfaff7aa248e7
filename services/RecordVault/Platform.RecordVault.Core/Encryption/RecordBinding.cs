using System.Text;
using Platform.Contracts.CodeLists;

namespace Platform.RecordVault.Core;

/// <summary>
/// The facts a record version's ciphertext is bound to through AES-GCM associated data: which record, which version,
/// whose, and which consent category. Decryption must present the very same values, so a ciphertext copied onto
/// another record, version, patient or category row fails instead of being served under the wrong consent.
/// </summary>
/// <remarks>
/// The KEK name and version are deliberately not bound: a rewrap changes them without touching the ciphertext.
/// </remarks>
public sealed record RecordBinding
{
    /// <summary>Longest accepted text field, in UTF-8 bytes (the AAD stores lengths as 16-bit numbers).</summary>
    public const int MaxFieldBytes = 1024;

    // Strict: a lone surrogate would otherwise become U+FFFD, and two different ids could share AAD bytes.
    internal static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <exception cref="ArgumentException">A field is empty, too long, not valid UTF-16, or the category is not in the code list.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="version"/> is below 1.</exception>
    public RecordBinding(string recordId, int version, string patientPseudonym, string category)
    {
        RecordId = CheckField(recordId, nameof(recordId));
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        Version = version;
        PatientPseudonym = CheckField(patientPseudonym, nameof(patientPseudonym));
        if (!RecordCategories.IsKnown(category))
        {
            throw new ArgumentException($"Category '{category}' is not in the record-category code list.", nameof(category));
        }
        Category = category;
    }

    /// <summary>The record's id (stable across versions).</summary>
    public string RecordId { get; }

    /// <summary>The version number, 1 for the first version.</summary>
    public int Version { get; }

    /// <summary>The patient's pseudonym (never a name or national id).</summary>
    public string PatientPseudonym { get; }

    /// <summary>A code of <see cref="RecordCategories"/>.</summary>
    public string Category { get; }

    private static string CheckField(string value, string paramName)
    {
        ArgumentException.ThrowIfNullOrEmpty(value, paramName);
        int length;
        try
        {
            length = StrictUtf8.GetByteCount(value);
        }
        catch (EncoderFallbackException ex)
        {
            throw new ArgumentException("The value is not valid UTF-16 text.", paramName, ex);
        }
        if (length > MaxFieldBytes)
        {
            throw new ArgumentException($"The value is longer than {MaxFieldBytes} UTF-8 bytes.", paramName);
        }
        return value;
    }
}
