using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Crypto;
using Platform.Identity.Credentials;

namespace Platform.Wallet.Cli;

/// <summary>The five commands. Each returns its exit code or throws <see cref="CliException"/>.</summary>
internal static class WalletCommands
{
    private static readonly JsonSerializerOptions Pretty = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly IReadOnlySet<string> AcceptedVcts = new HashSet<string>(StringComparer.Ordinal) { VerifiedIdentityCredential.Vct };

    // key --out FILE [--force]
    public static async Task<int> KeyAsync(WalletIo io, string[] args, CancellationToken cancellationToken)
    {
        var options = CliArguments.Parse(args, ["out"], ["force"]);
        var path = options.Required("out");
        if (path == WalletIo.StandardStream)
        {
            throw CliException.Usage("the private key is never written to stdout: give --out a file name.");
        }
        if (File.Exists(path))
        {
            if (!options.Flag("force"))
            {
                throw CliException.Failure($"'{path}' already exists; pass --force to replace it (credentials bound to the old key then cannot be presented).");
            }
            File.Delete(path);
        }
        using var key = HolderKeys.Create();
        var publicJwk = P256Jwk.FromECDsa(key);
        var thumbprint = HolderKeys.Thumbprint(publicJwk);
        var jwk = HolderKeys.ExportPrivateJwk(key);
        jwk["kid"] = thumbprint;
        jwk["alg"] = KeyAlgorithms.ES256;
        jwk["use"] = "sig";
        try
        {
            await WalletIo.WriteFileAsync(path, jwk.ToJsonString(Pretty) + "\n", ownerOnly: true, createNew: true, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw CliException.Failure($"cannot write '{path}': {ex.Message}");
        }
        await io.Stdout.WriteLineAsync(thumbprint).ConfigureAwait(false);
        return WalletCli.ExitOk;
    }

    // request --issuer URL --token TOKEN|- --key FILE --out FILE|-
    public static async Task<int> RequestAsync(WalletIo io, string[] args, Func<HttpClient> http, CancellationToken cancellationToken)
    {
        var options = CliArguments.Parse(args, ["issuer", "token", "key", "out"]);
        var issuer = IssuerClient.NormaliseIssuer(options.Required("issuer"));
        var token = options.Required("token");
        var keyPath = options.Required("key");
        var output = options.Required("out");
        if (token == WalletIo.StandardStream)
        {
            token = (await io.Stdin.ReadLineAsync(cancellationToken).ConfigureAwait(false))?.Trim() ?? "";
            if (token.Length == 0)
            {
                throw CliException.Usage("--token - expects the access token on stdin.");
            }
        }
        using var key = await LoadKeyAsync(io, keyPath, cancellationToken).ConfigureAwait(false);
        var client = new IssuerClient(http(), issuer);

        // The issuer's metadata and keys first: they check the answer, and an unreachable issuer shows up here plainly.
        var vciMetadata = await client.GetCredentialIssuerMetadataAsync(cancellationToken).ConfigureAwait(false);
        var metadata = await client.GetMetadataAsync(cancellationToken).ConfigureAwait(false);
        var (compact, _) = await ObtainAsync(client, vciMetadata, key, token, cancellationToken).ConfigureAwait(false);
        await AcceptAndSaveAsync(io, compact, key, metadata, output, cancellationToken).ConfigureAwait(false);
        return WalletCli.ExitOk;
    }

    // receive --offer URI|JSON|- --tx-code CODE|- --key FILE --out FILE|-
    public static async Task<int> ReceiveAsync(WalletIo io, string[] args, Func<HttpClient> http, CancellationToken cancellationToken)
    {
        var options = CliArguments.Parse(args, ["offer", "tx-code", "key", "out"]);
        var offerText = options.Required("offer");
        var keyPath = options.Required("key");
        var output = options.Required("out");
        var txCode = options.Optional("tx-code");
        if (offerText == WalletIo.StandardStream)
        {
            offerText = (await io.Stdin.ReadLineAsync(cancellationToken).ConfigureAwait(false))?.Trim() ?? "";
        }
        else if (txCode == WalletIo.StandardStream)
        {
            txCode = (await io.Stdin.ReadLineAsync(cancellationToken).ConfigureAwait(false))?.Trim();
        }
        using var key = await LoadKeyAsync(io, keyPath, cancellationToken).ConfigureAwait(false);

        // OpenID4VCI §4.1: the QR code's text is the offer by value or a reference to fetch.
        var (inline, reference) = CredentialOffer.Read(offerText);
        var offer = CredentialOffer.From(inline ?? await IssuerClient.GetOfferAsync(http(), reference!, cancellationToken).ConfigureAwait(false));
        if (offer.TxCodeRequired && string.IsNullOrEmpty(txCode))
        {
            throw CliException.Usage("this offer needs a transaction code: pass --tx-code" +
                (offer.TxCodeDescription is null ? "." : $" ({offer.TxCodeDescription})"));
        }
        if (!offer.ConfigurationIds.Contains(IssuerClient.VerifiedIdentityConfigurationId))
        {
            throw CliException.Failure($"the offer is for {string.Join(", ", offer.ConfigurationIds)}; this wallet takes {IssuerClient.VerifiedIdentityConfigurationId} only.");
        }
        var issuer = IssuerClient.NormaliseIssuer(offer.CredentialIssuer);
        if (issuer != offer.CredentialIssuer)
        {
            throw CliException.Failure($"the offer's credential_issuer '{offer.CredentialIssuer}' is not an issuer identifier in its canonical form.");
        }
        var client = new IssuerClient(http(), issuer);
        var vciMetadata = await client.GetCredentialIssuerMetadataAsync(cancellationToken).ConfigureAwait(false);
        var metadata = await client.GetMetadataAsync(cancellationToken).ConfigureAwait(false);
        var tokenEndpoint = await client.GetTokenEndpointAsync(vciMetadata, cancellationToken).ConfigureAwait(false);
        var token = await client.RedeemPreAuthorizedCodeAsync(tokenEndpoint, offer.PreAuthorizedCode, offer.TxCodeRequired ? txCode : null, cancellationToken)
            .ConfigureAwait(false);
        var (compact, notificationId) = await ObtainAsync(client, vciMetadata, key, token, cancellationToken).ConfigureAwait(false);
        string walletEvent = "credential_failure";
        try
        {
            await AcceptAndSaveAsync(io, compact, key, metadata, output, cancellationToken).ConfigureAwait(false);
            walletEvent = "credential_accepted";
        }
        finally
        {
            if (notificationId is not null &&
                await client.NotifyAsync(vciMetadata, token, notificationId, walletEvent, cancellationToken).ConfigureAwait(false) is { } failed)
            {
                await io.Stderr.WriteLineAsync("wallet: note: the issuer was not told the outcome: " + failed).ConfigureAwait(false);
            }
        }
        return WalletCli.ExitOk;
    }

    /// <summary>Nonce, proof (aud = the issuer identifier, nonce = c_nonce) and credential request.</summary>
    private static async Task<(string Credential, string? NotificationId)> ObtainAsync(IssuerClient client, JsonObject vciMetadata, ECDsa key,
        string token, CancellationToken cancellationToken)
    {
        var nonce = await client.GetNonceAsync(vciMetadata, cancellationToken).ConfigureAwait(false);
        var proof = await HolderKeys.CreateProofAsync(key, client.Issuer, DateTimeOffset.UtcNow, nonce, cancellationToken).ConfigureAwait(false);
        return await client.RequestCredentialAsync(vciMetadata, IssuerClient.VerifiedIdentityConfigurationId, token, proof, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>RFC 9901 §7.2: the holder checks what it received (bound to its key, signed by the issuer) before keeping it.</summary>
    private static async Task AcceptAndSaveAsync(WalletIo io, string compact, ECDsa key, JwtVcIssuerMetadata metadata, string output,
        CancellationToken cancellationToken)
    {
        SdJwt credential;
        try
        {
            credential = SdJwtHolder.Accept(compact);
        }
        catch (SdJwtException ex)
        {
            throw CliException.Failure($"the issuer answered with an unusable credential ({ex.Error.ToCode()}): {ex.Message}");
        }
        var payload = SdJwtInspection.ReadUnverifiedPayload(credential);
        if (!SameKey(SdJwtInspection.ReadHolderKey(payload), P256Jwk.FromECDsa(key)))
        {
            throw CliException.Failure("the issued credential is not bound to this holder key.");
        }
        var verifier = new SdJwtVerifier(new SdJwtVerifierOptions
        {
            ResolveIssuerKey = metadata.ToKeyResolver(),
            RequireKeyBinding = false,
            AcceptedVcts = AcceptedVcts,
        });
        var check = await verifier.VerifyAsync(compact, keyBinding: null, cancellationToken).ConfigureAwait(false);
        if (!check.IsValid)
        {
            throw CliException.Failure($"the issued credential does not verify with the issuer's keys ({check.ErrorCode}).");
        }

        await io.WriteTextAsync(output, credential.Compact, ownerOnly: true, cancellationToken).ConfigureAwait(false);
        var notes = io.Notes(output);
        var expires = Time(payload, "exp");
        await notes.WriteLineAsync(
            $"credential {(output == WalletIo.StandardStream ? "written to stdout" : $"saved in {output}")}: {JsonString(payload, "vct")} from {JsonString(payload, "iss")}"
            + (expires is null ? "" : $", valid until {expires}")).ConfigureAwait(false);
        await notes.WriteLineAsync("disclosable claims: " + string.Join(", ", SdJwtInspection.DisclosableClaimNames(credential))).ConfigureAwait(false);
    }

    // show FILE|-
    public static async Task<int> ShowAsync(WalletIo io, string[] args, CancellationToken cancellationToken)
    {
        var options = CliArguments.Parse(args, [], maxPositionals: 1);
        var path = options.Positionals.Count == 1 ? options.Positionals[0] : throw CliException.Usage("show needs a credential file (or - for stdin).");
        var sdJwt = SdJwt.Parse(await io.ReadTextAsync(path, "credential", cancellationToken).ConfigureAwait(false));
        var all = SdJwtInspection.ReadAllClaims(sdJwt);
        var disclosable = new JsonObject();
        foreach (var name in SdJwtInspection.DisclosableClaimNames(sdJwt))
        {
            disclosable[name] = all[name]?.DeepClone();
        }
        var shown = new JsonObject
        {
            ["issuer_signed"] = SdJwtInspection.ReadPlainClaims(sdJwt),
            ["disclosable"] = disclosable,
        };
        if (sdJwt.KeyBindingJwt is not null)
        {
            shown["key_binding"] = true;
        }
        await io.Stdout.WriteLineAsync(shown.ToJsonString(Pretty)).ConfigureAwait(false);
        return WalletCli.ExitOk;
    }

    // present --credential FILE|- --key FILE [--disclose a,b] --audience AUD --nonce N [--out FILE|-]
    public static async Task<int> PresentAsync(WalletIo io, string[] args, CancellationToken cancellationToken)
    {
        var options = CliArguments.Parse(args, ["credential", "key", "disclose", "audience", "nonce", "out"]);
        var credentialPath = options.Required("credential");
        var keyPath = options.Required("key");
        var audience = options.Required("audience");
        var nonce = options.Required("nonce");
        var output = options.Optional("out") ?? WalletIo.StandardStream;
        var names = (options.Optional("disclose") ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.Ordinal).ToList();

        var text = await io.ReadTextAsync(credentialPath, "credential", cancellationToken).ConfigureAwait(false);
        SdJwt credential;
        try
        {
            credential = SdJwtHolder.Accept(text);
        }
        catch (SdJwtException ex)
        {
            throw CliException.Failure($"'{credentialPath}' is not an issued credential ({ex.Error.ToCode()}): {ex.Message}");
        }
        var available = SdJwtInspection.DisclosableClaimNames(credential);
        if (names.FirstOrDefault(n => !available.Contains(n)) is { } unknown)
        {
            throw CliException.Usage($"the credential has no disclosable claim '{unknown}' (it has: {string.Join(", ", available)}).");
        }
        using var key = await LoadKeyAsync(io, keyPath, cancellationToken).ConfigureAwait(false);
        if (!SameKey(SdJwtInspection.ReadHolderKey(SdJwtInspection.ReadUnverifiedPayload(credential)), P256Jwk.FromECDsa(key)))
        {
            throw CliException.Failure($"the key in '{keyPath}' is not the holder key this credential is bound to.");
        }

        var chosen = SdJwtHolder.SelectByClaimName(credential, names);
        var presentation = await SdJwtHolder.PresentWithKeyBindingAsync(credential, chosen, new KeyBindingChallenge(audience, nonce),
            Es256Signers.FromECDsa(key), DateTimeOffset.UtcNow, cancellationToken).ConfigureAwait(false);
        await io.WriteTextAsync(output, presentation.Compact, ownerOnly: false, cancellationToken).ConfigureAwait(false);
        if (output != WalletIo.StandardStream)
        {
            await io.Stdout.WriteLineAsync(
                $"presentation saved in {output}: discloses {(names.Count == 0 ? "nothing" : string.Join(", ", names))} to {audience}").ConfigureAwait(false);
        }
        return WalletCli.ExitOk;
    }

    // verify --issuer URL --audience AUD --nonce N FILE|-
    public static async Task<int> VerifyAsync(WalletIo io, string[] args, Func<HttpClient> http, CancellationToken cancellationToken)
    {
        var options = CliArguments.Parse(args, ["issuer", "audience", "nonce"], maxPositionals: 1);
        var issuer = IssuerClient.NormaliseIssuer(options.Required("issuer"));
        var challenge = new KeyBindingChallenge(options.Required("audience"), options.Required("nonce"));
        var path = options.Positionals.Count == 1 ? options.Positionals[0] : throw CliException.Usage("verify needs a presentation file (or - for stdin).");
        var presentation = await io.ReadTextAsync(path, "presentation", cancellationToken).ConfigureAwait(false);
        var client = new IssuerClient(http(), issuer);

        JwtVcIssuerMetadata metadata;
        try
        {
            metadata = await client.GetMetadataAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (CliException ex)
        {
            return await RefuseAsync(io, "issuer_metadata_unavailable", ex.Message).ConfigureAwait(false);
        }

        var statusChecked = false;
        async Task<bool> IsRevokedAsync(JsonObject status, CancellationToken ct)
        {
            var reference = SdJwtInspection.ReadStatusReference(status)
                ?? throw new StatusUnavailableException("the credential's status claim has no usable status_list entry.");
            string list;
            try
            {
                list = await client.GetStatusListAsync(reference.Uri, ct).ConfigureAwait(false);
            }
            catch (CliException ex)
            {
                throw new StatusUnavailableException(ex.Message);
            }
            bool revoked;
            try
            {
                revoked = StatusListToken.IsRevoked(list, reference.Uri, reference.Index,
                    kid => kid is null ? (metadata.Keys.Count == 1 ? metadata.Keys[0] : null) : metadata.Keys.FirstOrDefault(k => k.Kid == kid));
            }
            catch (Exception ex) when (ex is SdJwtException or KeyNotFoundException or InvalidOperationException or InvalidDataException
                or FormatException or JsonException)
            {
                throw new StatusUnavailableException($"the status list at {reference.Uri} is not usable: {ex.Message}");
            }
            statusChecked = true;
            return revoked;
        }

        var verifier = new SdJwtVerifier(new SdJwtVerifierOptions
        {
            ResolveIssuerKey = metadata.ToKeyResolver(),
            RequireKeyBinding = true,
            AcceptedVcts = AcceptedVcts,
            IsRevoked = IsRevokedAsync,
        });
        SdJwtVerificationResult result;
        try
        {
            result = await verifier.VerifyAsync(presentation, challenge, cancellationToken).ConfigureAwait(false);
        }
        catch (StatusUnavailableException ex)
        {
            return await RefuseAsync(io, "status_unavailable", ex.Message).ConfigureAwait(false);
        }
        if (!result.IsValid)
        {
            return await RefuseAsync(io, Reason(result.Error!.Value), $"{result.ErrorCode}: {result.ErrorDetail}").ConfigureAwait(false);
        }
        var verified = result.Claims!;
        if (verified.ContainsKey("status") && !statusChecked)
        {
            // A status the library could not even hand over (not an object): fail closed.
            return await RefuseAsync(io, "status_unavailable", "the credential's status claim is not an object.").ConfigureAwait(false);
        }
        var disclosed = new JsonObject();
        foreach (var name in result.Disclosures.Select(d => d.ClaimName).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            if (verified.TryGetPropertyValue(name, out var value))
            {
                disclosed[name] = value?.DeepClone();
            }
        }
        var answer = new JsonObject
        {
            ["valid"] = true,
            ["issuer"] = JsonString(verified, "iss"),
            ["vct"] = JsonString(verified, "vct"),
            ["status"] = statusChecked ? "valid" : "none",
            ["claims"] = disclosed,
        };
        await io.Stdout.WriteLineAsync(answer.ToJsonString(Pretty)).ConfigureAwait(false);
        return WalletCli.ExitOk;
    }

    /// <summary>The <c>reason</c> a verifier prints: a few plain names, otherwise the library's stable code.</summary>
    internal static string Reason(SdJwtError error) => error switch
    {
        SdJwtError.InvalidSignature => "bad_signature",
        SdJwtError.KeyBindingAudienceMismatch => "wrong_audience",
        SdJwtError.KeyBindingNonceMismatch => "wrong_nonce",
        SdJwtError.KeyBindingInvalidSignature => "wrong_holder_key",
        SdJwtError.UnknownIssuerKey => "unknown_issuer",
        _ => error.ToCode(),
    };

    private static async Task<int> RefuseAsync(WalletIo io, string reason, string detail)
    {
        await io.Stdout.WriteLineAsync(new JsonObject { ["valid"] = false, ["reason"] = reason }.ToJsonString(Pretty)).ConfigureAwait(false);
        await io.Stderr.WriteLineAsync($"wallet: presentation refused: {detail.ReplaceLineEndings(" ")}").ConfigureAwait(false);
        return WalletCli.ExitFailure;
    }

    private static async Task<ECDsa> LoadKeyAsync(WalletIo io, string path, CancellationToken cancellationToken)
    {
        var json = await io.ReadTextAsync(path, "key", cancellationToken).ConfigureAwait(false);
        ECDsa key;
        try
        {
            key = HolderKeys.ImportPrivateJwk(json);
        }
        catch (FormatException ex)
        {
            throw CliException.Failure($"'{path}' is not a holder key: {ex.Message}");
        }
        if (path != WalletIo.StandardStream && !OperatingSystem.IsWindows()
            && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
        {
            await io.Stderr.WriteLineAsync($"wallet: warning: '{path}' is readable or writable by others; chmod 600 it.").ConfigureAwait(false);
        }
        return key;
    }

    private static bool SameKey(JsonWebKeyInfo? a, JsonWebKeyInfo b) =>
        a is not null && a.Kty == b.Kty && a.Crv == b.Crv && a.X == b.X && a.Y == b.Y;

    private static string? JsonString(JsonObject obj, string name) =>
        obj[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static string? Time(JsonObject obj, string name) =>
        obj[name] is JsonValue value && value.TryGetValue<long>(out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)
            : null;

    /// <summary>The status list could not be fetched or used: the presentation is refused (fail closed).</summary>
    private sealed class StatusUnavailableException(string message) : Exception(message);
}
