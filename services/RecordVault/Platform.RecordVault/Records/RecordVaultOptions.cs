namespace Platform.RecordVault.Records;

/// <summary><c>RecordVault:*</c>.</summary>
public sealed class RecordVaultOptions
{
    /// <summary>The key-encryption key that wraps every data key (an HSM key, a Key Vault key, or a dev-host file).</summary>
    public string KekName { get; set; } = "record-vault-kek";

    /// <summary>The consent service's base URL, for decisions.</summary>
    public Uri? ConsentUrl { get; set; }

    /// <summary>How long a decision may take in all, retries included; past it the access is refused with 503.</summary>
    public TimeSpan ConsentTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one attempt at a decision may take before it is abandoned and retried.</summary>
    public TimeSpan ConsentAttemptTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Largest binary attachment accepted (bytes). The content is encrypted while it streams in.</summary>
    public long MaxAttachmentBytes { get; set; } = 25 * 1024 * 1024;

    /// <summary>Unwrapped data keys kept in memory: at most this many …</summary>
    public int DataKeyCacheEntries { get; set; } = 10_000;

    /// <summary>… for at most this long.</summary>
    public TimeSpan DataKeyCacheLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Refused accesses audited per caller and window; past it, 429 and nothing reaches the ledger.</summary>
    public RefusalQuotaOptions RefusalQuota { get; set; } = new();
}
