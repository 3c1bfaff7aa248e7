namespace Platform.Consent.Decisions;

/// <summary><c>Consent:SubjectToken:*</c>: which forwarded access tokens the decision endpoint accepts.</summary>
public sealed class SubjectTokenOptions
{
    /// <summary>
    /// The audiences a forwarded token must name: the services that act for a person and forward that person's
    /// token (the record vault). A token issued for another service is not accepted as proof.
    /// </summary>
    public List<string> Audiences { get; set; } = [];

    /// <summary>The record vault unless configured: the binder would add configured entries to a default list, not replace it.</summary>
    public IReadOnlyList<string> EffectiveAudiences => Audiences.Count > 0 ? Audiences : ["record-vault"];
}
