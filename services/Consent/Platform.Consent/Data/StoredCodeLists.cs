using System.Collections.Immutable;

namespace Platform.Consent.Data;

/// <summary>
/// Splits a stored code column (<see cref="ConsentRow.Categories"/>, <c>Purposes</c>, <c>Actions</c>: space-separated
/// codes) into an ordinal sorted set, remembering the split per distinct column text. Issue 18: a decision read two to
/// five consent rows and split and sorted three code lists for each of them, every time, although only a few hundred
/// distinct lists exist. This remembers no consent: the key is the column's text ("condition observation"), the value
/// a pure function of it, and every code is still checked against its code list each time a row becomes a consent
/// (<see cref="Platform.Consent.Core.PatientConsent.Restore"/>). Rows themselves are read from the database on every decision.
/// </summary>
internal static class StoredCodeLists
{
    // Far more than the distinct lists real consents hold; past it, columns are split without being remembered.
    private const int MaxRemembered = 4096;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, ImmutableSortedSet<string>> Split = new(StringComparer.Ordinal);
    private static int _remembered;

    public static ImmutableSortedSet<string> Read(string column)
    {
        if (Split.TryGetValue(column, out var codes))
        {
            return codes;
        }
        codes = ImmutableSortedSet.Create(StringComparer.Ordinal, column.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        if (Volatile.Read(ref _remembered) < MaxRemembered && Split.TryAdd(column, codes))
        {
            Interlocked.Increment(ref _remembered);
        }
        return codes;
    }
}
