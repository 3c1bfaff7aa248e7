namespace Platform.RecordVault.Data;

/// <summary>
/// The master key of the study pseudonyms (<see cref="Research.PseudonymMasterKey"/>), stored only wrapped by the
/// vault's key-encryption key. Its own table, apart from the search index key (<see cref="SearchIndexKeyRow"/>): the
/// search code reads its table whole and must never meet, let alone use, the research key. One row, created on first use.
/// </summary>
public sealed class ResearchPseudonymKeyRow
{
    public string Name { get; set; } = "";
    public string KekName { get; set; } = "";
    public string KekVersion { get; set; } = "";
    public string WrapAlgorithm { get; set; } = "";
    public byte[] WrappedKey { get; set; } = [];
    public long CreatedAtMs { get; set; }
}
