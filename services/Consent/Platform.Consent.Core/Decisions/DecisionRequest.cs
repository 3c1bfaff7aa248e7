using Platform.Contracts.CodeLists;

namespace Platform.Consent.Core;

/// <summary>Who wants to do what (read or write) with which category of whose records, for what purpose, at what time.</summary>
/// <param name="SubjectPseudonym">The patient whose records are asked for.</param>
/// <param name="ActorId">The pseudonymous id of whoever asks (matched against the consents' grantee).</param>
/// <param name="ActorKind">Whether the actor is a practitioner or an organisation.</param>
/// <param name="Category">A <see cref="RecordCategories"/> code; a labelled record is asked for under its sensitive category.</param>
/// <param name="Purpose">A <see cref="PurposesOfUse"/> code.</param>
/// <param name="At">The instant the decision is for (normally now).</param>
/// <param name="BreakGlass">The actor explicitly invokes emergency access.</param>
/// <param name="ActorIsClinician">The caller vouches (from the actor's token) that the actor is a clinician.</param>
/// <param name="Action">A <see cref="ProvisionActions"/> code: <c>access</c> to read (the default), <c>correct</c> to write.</param>
public sealed record DecisionRequest(
    string SubjectPseudonym,
    string ActorId,
    GranteeKind ActorKind,
    string Category,
    string Purpose,
    DateTimeOffset At,
    bool BreakGlass = false,
    bool ActorIsClinician = false,
    string Action = ProvisionActions.Access);
