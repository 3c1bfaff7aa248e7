using Platform.Consent.Core;

namespace Platform.Consent.Consents;

/// <summary>
/// <c>Consent:AccessRequests</c>: how long a request waits for the patient (default 24 h, at most 7 days) and how many
/// unanswered requests one clinician may have open at once (default 20): asking is cheap, and every request lands on
/// a patient's page, so a clinician cannot flood patients with them.
/// </summary>
public sealed class AccessRequestOptions
{
    public TimeSpan Lifetime { get; set; } = AccessRequest.DefaultLifetime;

    public int MaxPendingPerClinician { get; set; } = 20;

    public bool IsValid => Lifetime > TimeSpan.Zero && Lifetime <= AccessRequest.MaxLifetime && MaxPendingPerClinician is > 0 and <= 1000;
}
