using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Platform.RecordVault.Access;

/// <summary>
/// Encrypts break-glass reasons at rest with Data Protection (authenticated encryption under the service's key ring,
/// which is itself encrypted by the key provider and kept in Redis or the data folder): the reason is free text that may
/// describe the patient's condition, so a database dump alone does not reveal it.
/// </summary>
public sealed class BreakGlassReasonProtector(IDataProtectionProvider provider)
{
    /// <summary>What the patient and the clinician see when a stored reason can no longer be decrypted (its key ring is gone).</summary>
    public const string Unreadable = "(the reason can no longer be decrypted)";

    private readonly IDataProtector _protector = provider.CreateProtector("Platform.RecordVault.BreakGlassReason.v1");

    public string? Protect(string? reason) => reason is null ? null : _protector.Protect(reason);

    public string? Unprotect(string? protectedReason)
    {
        if (protectedReason is null)
        {
            return null;
        }
        try
        {
            return _protector.Unprotect(protectedReason);
        }
        catch (CryptographicException)
        {
            // The entry stays readable without its reason; the failure itself says nothing about the text.
            return Unreadable;
        }
    }
}
