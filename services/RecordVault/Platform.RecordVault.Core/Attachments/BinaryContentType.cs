namespace Platform.RecordVault.Core;

/// <summary>One allowed attachment media type and the largest attachment of that type the vault accepts.</summary>
/// <param name="MediaType">Lowercase type/subtype, no parameters: the form stored and served.</param>
/// <param name="MaxBytes">Largest accepted plaintext size.</param>
/// <param name="Description">What it is for, for documentation and error messages.</param>
public sealed record BinaryContentType(string MediaType, long MaxBytes, string Description);
