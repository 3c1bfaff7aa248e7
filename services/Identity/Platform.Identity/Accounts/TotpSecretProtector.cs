using Microsoft.AspNetCore.DataProtection;

namespace Platform.Identity.Accounts;

/// <summary>Encrypts TOTP secrets at rest with Data Protection, whose key ring lives in Redis (deployed) or the data folder.</summary>
public sealed class TotpSecretProtector(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("Platform.Identity.TotpSecret.v1");

    public string Protect(byte[] secret) => _protector.Protect(Convert.ToBase64String(secret));

    public byte[] Unprotect(string protectedSecret) => Convert.FromBase64String(_protector.Unprotect(protectedSecret));
}
