using System.Text.Json;
using Platform.Consent.Core;
using Platform.Consent.Data;

namespace Platform.Consent.Api;

/// <summary>
/// A consent as the API shows it; <see cref="History"/> is filled on the single-consent read, <see cref="GrantedOnBehalf"/>
/// when admins granted it on the patient's behalf.
/// </summary>
public sealed record ConsentView(
    Guid Id,
    string Subject,
    GranteeView Grantee,
    IReadOnlyList<string> Categories,
    IReadOnlyList<string> Purposes,
    IReadOnlyList<string> Actions,
    DateTimeOffset ValidFrom,
    DateTimeOffset? ValidUntil,
    string Status,
    int Version,
    string Hash,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<ConsentVersionView>? History = null,
    OnBehalfView? GrantedOnBehalf = null)
{
    public static ConsentView From(PatientConsent consent, IReadOnlyList<ConsentVersionView>? history = null, OnBehalfView? grantedOnBehalf = null)
    {
        ArgumentNullException.ThrowIfNull(consent);
        return new ConsentView(consent.Id, consent.SubjectPseudonym, new GranteeView(consent.Grantee.Kind.ToCode(), consent.Grantee.Id),
            [.. consent.Categories], [.. consent.Purposes], [.. consent.Actions], consent.ValidFrom, consent.ValidUntil, consent.Status.ToCode(), consent.Version,
            ConsentHash.Compute(consent), consent.CreatedAt, consent.UpdatedAt, history, grantedOnBehalf);
    }
}

public sealed record GranteeView(string Kind, string Id);

/// <summary>
/// One version in a consent's history: its hash and canonical form, the signed event, and the ledger receipt
/// once committed (null while pending), and for the patient the opening of a v2 event (its salt) — everything a
/// patient needs to verify it with <c>ledger verify --opening</c>.
/// </summary>
public sealed record ConsentVersionView(
    int Version,
    string Action,
    string Hash,
    JsonElement Snapshot,
    DateTimeOffset ChangedAt,
    string ChangedBy,
    string? Reason,
    Guid EventId,
    string SignedEvent,
    long? LeafIndex,
    JsonElement? Receipt,
    ConsentOpening? Opening)
{
    /// <param name="row">The version.</param>
    /// <param name="openFor">The patient's pseudonym when the patient asks (the opening is theirs alone); null for anyone else.</param>
    public static ConsentVersionView From(ConsentVersionRow row, string? openFor = null)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new ConsentVersionView(row.Version, row.Action, row.Hash, JsonDocument.Parse(row.Snapshot).RootElement.Clone(),
            DateTimeOffset.FromUnixTimeMilliseconds(row.ChangedAtMs), row.ChangedBy, row.Reason, row.EventId, row.SignedEvent, row.LeafIndex,
            row.Receipt is null ? null : JsonDocument.Parse(row.Receipt).RootElement.Clone(),
            openFor is null ? null : ConsentOpening.From(row, openFor));
    }
}
