namespace Platform.SignedEvents;

/// <summary>
/// Pseudonymous ids of patients, practitioners and organisations. The rule is the signed-event one, so every id a
/// consent holds can go on the ledger unchanged.
/// </summary>
public static class Pseudonyms
{
    public const string Rule = "8-128 characters of A-Z a-z 0-9 _ -";

    // The shared pattern ends in '$', which in .NET also matches before a final "\n"; that one case is refused here.
    public static bool IsValid(string? id) => id is not null && !id.EndsWith('\n') && SignedEventRules.Pseudonym().IsMatch(id);
}
