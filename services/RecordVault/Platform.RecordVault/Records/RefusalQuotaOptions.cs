namespace Platform.RecordVault.Records;

/// <summary><c>RecordVault:RefusalQuota:*</c>.</summary>
public sealed class RefusalQuotaOptions
{
    public int PermitLimit { get; set; } = 30;

    public TimeSpan Window { get; set; } = TimeSpan.FromHours(1);
}
