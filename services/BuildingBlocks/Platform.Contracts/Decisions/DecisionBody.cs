using System.Text.Json.Serialization;

namespace Platform.Contracts.Decisions;

/// <summary>
/// The body of the consent service's <c>POST /decisions</c>: may <paramref name="Actor"/> do <paramref name="Action"/>
/// on the <paramref name="Category"/> records of <paramref name="Subject"/> for <paramref name="Purpose"/>?
/// Serialised with <see cref="DecisionJsonContext"/>, the properties appear in the documented order
/// (<c>{subject, actor, actorKind, category, purpose, action, breakGlass}</c>, docs/consent.md), byte for byte what
/// the record vault sent before the contract was typed.
/// </summary>
/// <param name="Subject">The patient's pseudonym.</param>
/// <param name="Actor">Whoever asks; the consent service takes it from the forwarded subject token when there is one.</param>
/// <param name="ActorKind"><c>practitioner</c> (the default) or <c>organization</c>.</param>
/// <param name="Category">A <see cref="CodeLists.RecordCategories"/> code.</param>
/// <param name="Purpose">A <see cref="CodeLists.PurposesOfUse"/> code.</param>
/// <param name="Action">A <see cref="CodeLists.ProvisionActions"/> code: <c>access</c> (read, the default when absent) or <c>correct</c> (write).</param>
/// <param name="BreakGlass">Emergency access without consent (read-only, ETREAT, clinicians only).</param>
/// <param name="ActorIsClinician">
/// Ignored by the consent service (only a forwarded token proves it); kept so older callers' bodies still bind, and
/// never written unless set, so it is not on the wire of callers that do not name it.
/// </param>
public sealed record DecisionBody(
    string? Subject,
    string? Actor,
    string? ActorKind,
    string? Category,
    string? Purpose,
    string? Action = null,
    bool BreakGlass = false,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool ActorIsClinician = false);
