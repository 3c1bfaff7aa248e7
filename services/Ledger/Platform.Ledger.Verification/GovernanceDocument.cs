using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Platform.Crypto.Jose;

namespace Platform.Ledger.Verification;

/// <summary>
/// A member institution's signed governance act (a proposal, a ballot or a withdrawal), as posted to a replica and
/// stored in the ledger. The institution signs the exact payload bytes it sent (no re-serialisation to agree on) with
/// one of its checkpoint keys; the signing bytes start with a header no checkpoint has, so a governance signature can
/// never be replayed as a checkpoint signature or the other way round.
/// </summary>
/// <param name="Payload">base64url of the <see cref="GovernancePayload"/> JSON.</param>
/// <param name="Replica">The replica whose checkpoint key signed (one the member runs).</param>
/// <param name="Kid">That key's id in the consortium configuration.</param>
/// <param name="Signature">base64url ES256 (r||s) over <see cref="SigningBytes"/>.</param>
public sealed record SignedGovernanceDocument(
    [property: JsonPropertyName("payload")] string Payload,
    [property: JsonPropertyName("replica")] string Replica,
    [property: JsonPropertyName("kid")] string Kid,
    [property: JsonPropertyName("signature")] string Signature)
{
    public const string Header = "platform-ledger-governance/v1";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { RespectNullableAnnotations = true };

    /// <summary>The bytes a member signs: the header line, then the payload's JSON bytes.</summary>
    public static byte[] SigningBytes(ReadOnlySpan<byte> payloadJson)
    {
        var header = Encoding.UTF8.GetBytes(Header + "\n");
        return [.. header, .. payloadJson];
    }

    public static byte[] PayloadBytes(GovernancePayload payload) => JsonSerializer.SerializeToUtf8Bytes(payload, Json);

    /// <summary>Signs a payload with a member's checkpoint key (<paramref name="sign"/>: ES256, r||s, over the bytes given).</summary>
    public static async Task<SignedGovernanceDocument> SignAsync(GovernancePayload payload, string replica, string kid, Func<byte[], Task<byte[]>> sign)
    {
        var bytes = PayloadBytes(payload);
        return new SignedGovernanceDocument(Base64Url.EncodeToString(bytes), replica, kid, Base64Url.EncodeToString(await sign(SigningBytes(bytes))));
    }

    /// <summary>The payload, or null when it is not base64url of a governance payload.</summary>
    public GovernancePayload? ReadPayload()
    {
        if (StrictBase64Url.TryDecode(Payload) is not { } bytes)
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<GovernancePayload>(bytes, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// The payload, and why the document cannot act under <paramref name="consortium"/> (null when it can): it must be
    /// for this ledger, validly signed by a member's checkpoint key, in that member's own name, about a proposal id of
    /// 1 to 100 characters. The ledger applies this rule to every governance entry and <c>ledger audit</c> applies it
    /// again to the documents of each configuration change, so both judge a document alike.
    /// </summary>
    public (GovernancePayload? Payload, string? Problem) Authorship(ConsortiumConfiguration consortium)
    {
        if (ReadPayload() is not { } payload)
            return (null, "The payload is not base64url of a governance document (kind, ledgerId, proposalId, member).");
        if (payload.LedgerId != consortium.LedgerId)
            return (payload, $"The document is for ledger '{payload.LedgerId}', this is '{consortium.LedgerId}'.");
        if (Signer(consortium) is not { } signer)
            return (payload, "The signature is not a valid signature by a checkpoint key of a member institution.");
        if (signer.Name != payload.Member)
            return (payload, $"The document acts for '{payload.Member}' but is signed by '{signer.Name}'.");
        if (string.IsNullOrWhiteSpace(payload.ProposalId) || payload.ProposalId.Length > 100)
            return (payload, "proposalId must be 1 to 100 characters.");
        return (payload, null);
    }

    /// <summary>
    /// The member institution that validly signed this document under <paramref name="consortium"/>, or null: the key
    /// must be one the configuration gives a member, and the signature must verify over the payload.
    /// </summary>
    public ConsortiumMember? Signer(ConsortiumConfiguration consortium)
    {
        var member = consortium.MemberOf(Replica, Kid);
        var key = member?.CheckpointKeys.First(k => k.Replica == Replica && k.Kid == Kid);
        return key is not null && StrictBase64Url.TryDecode(Payload) is { } payload && StrictBase64Url.TryDecode(Signature) is { } signature
            && key.Verifies(SigningBytes(payload), signature)
            ? member
            : null;
    }
}

/// <summary>What a governance document says. <see cref="Member"/> is the acting institution and must be the signer.</summary>
/// <param name="Kind"><c>proposal</c>, <c>ballot</c> or <c>withdrawal</c>.</param>
/// <param name="LedgerId">The ledger it is meant for (a document cannot be replayed on another ledger).</param>
/// <param name="ProposalId">Chosen by the proposer (e.g. a GUID); a ballot or withdrawal names the proposal.</param>
/// <param name="Member">The institution acting: the proposer, the voter, or the proposer withdrawing.</param>
/// <param name="Actions">A proposal's changes, applied in order to the configuration in force.</param>
/// <param name="ExpiresAt">A proposal's end (Unix milliseconds): no ballot counts from then on.</param>
/// <param name="Vote">A ballot's vote: <c>for</c> or <c>against</c>.</param>
public sealed record GovernancePayload(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("ledgerId")] string LedgerId,
    [property: JsonPropertyName("proposalId")] string ProposalId,
    [property: JsonPropertyName("member")] string Member,
    [property: JsonPropertyName("actions")] IReadOnlyList<GovernanceAction>? Actions = null,
    [property: JsonPropertyName("expiresAt")] long? ExpiresAt = null,
    [property: JsonPropertyName("vote")] string? Vote = null)
{
    public const string Proposal = "proposal";
    public const string Ballot = "ballot";
    public const string Withdrawal = "withdrawal";
    public const string For = "for";
    public const string Against = "against";
}

/// <summary>One change of a proposal.</summary>
/// <param name="Kind"><c>admit</c> (a new institution, <see cref="Member"/>), <c>remove</c> (<see cref="Name"/>) or <c>rotate</c> (<see cref="Member"/> replaces the member of the same name: new checkpoint keys, CA or replicas).</param>
public sealed record GovernanceAction(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("member")] ConsortiumMember? Member = null,
    [property: JsonPropertyName("name")] string? Name = null)
{
    public const string Admit = "admit";
    public const string Remove = "remove";
    public const string Rotate = "rotate";
}
