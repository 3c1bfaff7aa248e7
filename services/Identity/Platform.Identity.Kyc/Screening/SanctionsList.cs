namespace Platform.Identity.Kyc;

/// <summary>A loaded sanctions/PEP list: immutable, shared by every screening, safe to use from many threads.</summary>
public sealed class SanctionsList
{
    public SanctionsList(IEnumerable<SanctionsListEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        Entries = [.. entries];
    }

    /// <summary>A list with no entries: screening always passes. For tests and deployments without a list.</summary>
    public static SanctionsList Empty { get; } = new([]);

    public IReadOnlyList<SanctionsListEntry> Entries { get; }
}
