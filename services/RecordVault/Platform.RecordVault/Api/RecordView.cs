using Platform.RecordVault.Data;

namespace Platform.RecordVault.Api;

/// <summary>A record's metadata and its current version's hash (what the ledger anchors); never content.</summary>
public sealed record RecordView(
    Guid Id, string Patient, string Category, string Kind, string? ResourceType, string ContentType,
    int Version, string Hash, long Length, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, bool Erased)
{
    public static RecordView From(RecordRow record, RecordVersionRow version)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(version);
        return new RecordView(record.Id, record.Patient, record.Category, record.Kind, record.ResourceType, record.ContentType,
            version.Version, version.Hash, version.PlaintextLength, DateTimeOffset.FromUnixTimeMilliseconds(record.CreatedAtMs),
            DateTimeOffset.FromUnixTimeMilliseconds(record.UpdatedAtMs), record.ErasedAtMs is not null);
    }
}
