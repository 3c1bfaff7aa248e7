using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Platform.Identity.Data;
using Platform.Identity.Kyc;
using Platform.Identity.Verification;
using Platform.ServiceDefaults;

namespace Platform.Identity.Vci;

/// <summary>
/// Credential offers for approved applicants (OpenID4VCI §4.1) with the pre-authorized code grant and a transaction
/// code, and their redemption at the token endpoint. The code is short-lived and single use; the transaction code is
/// six digits shown to the applicant beside the QR code (a second channel: someone who photographs the QR code does
/// not have it), and after <see cref="MaxTxCodeFailures"/> wrong ones the code is dead (§13.6.3: guessing is cheap).
/// </summary>
public sealed class CredentialOffers(IdentityServiceDbContext db, KycService kyc, IDataProtectionProvider protection, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    public const int MaxTxCodeFailures = 3;
    public const int TxCodeLength = 6;
    public const string OfferPathPrefix = "/credentials/offers/";

    private IDataProtector Protector => protection.CreateProtector("Platform.Identity.Vci.PreAuthorizedCode");

    /// <summary>Issuer states (§4.1.1, grant <c>authorization_code</c>): the offer's owner, sealed until the offer expires.</summary>
    private ITimeLimitedDataProtector IssuerStates => protection.CreateProtector("Platform.Identity.Vci.IssuerState").ToTimeLimitedDataProtector();

    /// <summary>
    /// The account an <c>issuer_state</c> from one of these offers was made for; null when it is not one, or expired.
    /// The authorization endpoint issues for the signed-in account only, so a state made for another is refused there.
    /// </summary>
    public string? OwnerOfIssuerState(string issuerState)
    {
        try
        {
            return issuerState.Length <= 1024 ? IssuerStates.Unprotect(issuerState) : null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    /// <summary>A new offer for the account's approved case; 409 <c>not_verified</c> without one.</summary>
    public async Task<CreatedOffer> CreateAsync(string ownerId, string issuer, CancellationToken cancellationToken)
    {
        var verified = await kyc.LatestVerifiedIdentityAsync(ownerId, cancellationToken)
            ?? throw ProblemException.Conflict("There is no approved KYC case for this account.", "not_verified");
        var code = Digest.RandomToken();
        var txCode = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
        var now = time.GetUtcNow();
        var row = new CredentialOfferRow
        {
            Id = Digest.RandomToken(24),
            CodeHash = Digest.Of(code),
            ProtectedCode = Protector.Protect(code),
            TxCodeHash = TxDigest(code, txCode),
            OwnerId = ownerId,
            CaseId = verified.CaseId,
            CreatedAtMs = now.ToUnixTimeMilliseconds(),
            ExpiresAtMs = (now + Lifetime).ToUnixTimeMilliseconds(),
        };
        // Expired offers of anyone go as new ones come (redeemed ones too once expired: their code is useless then).
        await db.Set<CredentialOfferRow>().Where(o => o.ExpiresAtMs < now.ToUnixTimeMilliseconds()).ExecuteDeleteAsync(cancellationToken);
        db.Set<CredentialOfferRow>().Add(row);
        await db.SaveChangesAsync(cancellationToken);
        return new CreatedOffer(row.Id, OfferJson(issuer, code, IssuerStates.Protect(ownerId, now + Lifetime)), txCode, now + Lifetime);
    }

    /// <summary>The offer object behind a <c>credential_offer_uri</c>; null when unknown, expired or used.</summary>
    public async Task<JsonObject?> FindAsync(string id, string issuer, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var row = await db.Set<CredentialOfferRow>().AsNoTracking()
            .FirstOrDefaultAsync(o => o.Id == id && o.ExpiresAtMs >= now && o.RedeemedAtMs == null && !o.Invalidated, cancellationToken);
        return row is null ? null : OfferJson(issuer, Protector.Unprotect(row.ProtectedCode),
            IssuerStates.Protect(row.OwnerId, DateTimeOffset.FromUnixTimeMilliseconds(row.ExpiresAtMs)));
    }

    /// <summary>Redeems a pre-authorized code with its transaction code: the owner's id, or the OAuth error to answer.</summary>
    public async Task<Redemption> RedeemAsync(string? code, string? txCode, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(code) || code.Length > 128)
        {
            return Redemption.Refused(OpenIddict.Abstractions.OpenIddictConstants.Errors.InvalidRequest, "pre-authorized_code is required.");
        }
        var hash = Digest.Of(code);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var offers = db.Set<CredentialOfferRow>();
        var row = await offers.AsNoTracking().FirstOrDefaultAsync(o => o.CodeHash == hash, cancellationToken);
        if (row is null || row.ExpiresAtMs < now || row.RedeemedAtMs is not null || row.Invalidated)
        {
            return Redemption.Refused(OpenIddict.Abstractions.OpenIddictConstants.Errors.InvalidGrant, "The pre-authorized code is unknown, expired or already used.");
        }
        if (string.IsNullOrEmpty(txCode))
        {
            return Redemption.Refused(OpenIddict.Abstractions.OpenIddictConstants.Errors.InvalidRequest, "This offer requires tx_code.");
        }
        if (txCode.Length > 32 || !Digest.Same(TxDigest(code, txCode), row.TxCodeHash))
        {
            // Counted in one statement, so parallel guesses cannot share one count; the last allowed failure kills the code.
            await offers.Where(o => o.Id == row.Id && !o.Invalidated && o.RedeemedAtMs == null).ExecuteUpdateAsync(s => s
                .SetProperty(o => o.FailedTxCodeAttempts, o => o.FailedTxCodeAttempts + 1)
                .SetProperty(o => o.Invalidated, o => o.FailedTxCodeAttempts + 1 >= MaxTxCodeFailures), cancellationToken);
            return Redemption.Refused(OpenIddict.Abstractions.OpenIddictConstants.Errors.InvalidGrant, "The transaction code is not correct.");
        }
        var won = await offers.Where(o => o.Id == row.Id && !o.Invalidated && o.RedeemedAtMs == null && o.ExpiresAtMs >= now)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.RedeemedAtMs, now), cancellationToken);
        return won == 1
            ? Redemption.Accepted(row.OwnerId)
            : Redemption.Refused(OpenIddict.Abstractions.OpenIddictConstants.Errors.InvalidGrant, "The pre-authorized code is unknown, expired or already used.");
    }

    private static string TxDigest(string code, string txCode) => Digest.Of(code + "\n" + txCode);

    private static JsonObject OfferJson(string issuer, string code, string issuerState) => new()
    {
        ["credential_issuer"] = issuer,
        ["credential_configuration_ids"] = new JsonArray(CredentialIssuerMetadata.VerifiedIdentityConfigurationId),
        ["grants"] = new JsonObject
        {
            [PreAuthorizedCodeGrant.GrantType] = new JsonObject
            {
                ["pre-authorized_code"] = code,
                ["tx_code"] = new JsonObject
                {
                    ["input_mode"] = "numeric",
                    ["length"] = TxCodeLength,
                    ["description"] = "The six digits shown beside the QR code on your 'Get your credential' page.",
                },
            },
            // A wallet may instead send the person through the authorization endpoint (CredentialAuthorizationDetails).
            ["authorization_code"] = new JsonObject { ["issuer_state"] = issuerState },
        },
    };
}

/// <summary>A new offer: its id (for the offer URI), the offer object, and the transaction code to show the applicant.</summary>
public sealed record CreatedOffer(string Id, JsonObject Offer, string TxCode, DateTimeOffset ExpiresAt)
{
    public override string ToString() => $"CreatedOffer {{ Id = {Id}, ExpiresAt = {ExpiresAt:O} (code and tx_code redacted) }}";
}

/// <summary>The outcome of a token request with a pre-authorized code.</summary>
public sealed record Redemption(string? OwnerId, string? Error, string? Description)
{
    public static Redemption Accepted(string ownerId) => new(ownerId, null, null);

    public static Redemption Refused(string error, string description) => new(null, error, description);
}
