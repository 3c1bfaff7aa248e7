namespace Platform.Consent.Decisions;

/// <summary>The person a decision is for, as a validated forwarded access token says: their id and whether they are a clinician (role and second factor).</summary>
public sealed record SubjectActor(string Id, bool IsClinician);
