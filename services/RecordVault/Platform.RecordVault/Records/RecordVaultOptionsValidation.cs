using Microsoft.Extensions.Options;

namespace Platform.RecordVault.Records;

/// <summary>What <c>RecordVault:*</c> must satisfy; checked at start, each message names its key.</summary>
public static class RecordVaultOptionsValidation
{
    public static OptionsBuilder<RecordVaultOptions> ValidateRecordVaultOptions(this OptionsBuilder<RecordVaultOptions> options) => options
        .Validate(o => !string.IsNullOrWhiteSpace(o.KekName), "RecordVault:KekName must name the key-encryption key.")
        .Validate(o => o.ConsentUrl is null || o.ConsentUrl.IsAbsoluteUri, "RecordVault:ConsentUrl must be an absolute URI.")
        .Validate(o => o.ConsentTimeout > TimeSpan.Zero, "RecordVault:ConsentTimeout must be positive.")
        .Validate(o => o.ConsentAttemptTimeout > TimeSpan.Zero && o.ConsentAttemptTimeout <= o.ConsentTimeout,
            "RecordVault:ConsentAttemptTimeout must be positive and not longer than RecordVault:ConsentTimeout.")
        .Validate(o => o.MaxAttachmentBytes > 0, "RecordVault:MaxAttachmentBytes must be positive.")
        .Validate(o => o.DataKeyCacheEntries >= 1, "RecordVault:DataKeyCacheEntries must be at least 1.")
        .Validate(o => o.DataKeyCacheLifetime > TimeSpan.Zero, "RecordVault:DataKeyCacheLifetime must be positive.");
}
