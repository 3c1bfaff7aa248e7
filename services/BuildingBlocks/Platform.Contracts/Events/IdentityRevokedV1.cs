namespace Platform.Contracts.Events;

/// <summary>A person's verified-identity credential was revoked; consents granted to them must stop permitting.</summary>
/// <param name="SubjectPseudonym">The person's pseudonymous id (their <c>sub</c>).</param>
/// <param name="Reason">A code, e.g. <c>credential_revoked</c>, <c>licence_withdrawn</c>.</param>
[IntegrationEventType("identity.revoked", 1)]
public sealed record IdentityRevokedV1(string SubjectPseudonym, string Reason) : IntegrationEvent;
