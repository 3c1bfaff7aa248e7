namespace Platform.RecordVault.Data;

/// <summary>
/// The blind-index key (HMAC-SHA256, 32 random bytes) of the search keys, stored only wrapped by the vault's
/// key-encryption key, like a data key: a copy of the database cannot test guesses of a code against its hashes.
/// One row, created on first use.
/// </summary>
public sealed class SearchIndexKeyRow
{
    public string Name { get; set; } = "";
    public string KekName { get; set; } = "";
    public string KekVersion { get; set; } = "";
    public string WrapAlgorithm { get; set; } = "";
    public byte[] WrappedKey { get; set; } = [];
    public long CreatedAtMs { get; set; }
}
