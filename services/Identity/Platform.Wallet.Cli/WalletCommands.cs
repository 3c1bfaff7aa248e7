using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Crypto;
using Platform.Crypto.Jose;
using Platform.Identity.Credentials;

namespace Platform.Wallet.Cli;

/// <summary>The six commands. Each returns its exit code or throws <see cref="CliException"/>.</summary>
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
        var thumbprint = publicJwk.Thumbprint();
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
        var (compact, _) = await ObtainAsync(client, vciMetadata, key, token, credentialIdentifier: null, cancellationToken).ConfigureAwait(false);
        await AcceptAndSaveAsync(io, compact, key, metadata, output, cancellationToken).ConfigureAwait(false);
        return WalletCli.ExitOk;
    }

    // receive (--offer URI|JSON|- [--tx-code CODE|-] | --issuer URL) [--authorize [--client-id ID] [--redirect-port N | --paste] [--open]
    //         [--timeout SECONDS]] --key FILE --out FILE|-
    public static async Task<int> ReceiveAsync(WalletIo io, string[] args, Func<HttpClient> http, CancellationToken cancellationToken)
    {
        var options = CliArguments.Parse(args, ["offer", "issuer", "tx-code", "key", "out", "client-id", "redirect-port", "timeout"], ["authorize", "paste", "open"]);
        var offerText = options.Optional("offer");
        var issuerText = options.Optional("issuer");
        var keyPath = options.Required("key");
        var output = options.Required("out");
        var txCode = options.Optional("tx-code");
        if ((offerText is null) == (issuerText is null))
        {
            throw CliException.Usage("give either --offer (the credential offer) or --issuer (the authorization code flow without an offer).");
        }
        var authorize = options.Flag("authorize") || issuerText is not null;
        if (!authorize && (options.Flag("paste") || options.Flag("open") || options.Optional("client-id") is not null
            || options.Optional("redirect-port") is not null || options.Optional("timeout") is not null))
        {
            throw CliException.Usage("--client-id, --redirect-port, --paste, --open and --timeout belong to the authorization code flow (--authorize).");
        }
        if (options.Flag("paste") && options.Optional("redirect-port") is not null)
        {
            throw CliException.Usage("--paste needs no listener: leave out --redirect-port.");
        }
        if (offerText == WalletIo.StandardStream)
        {
            offerText = (await io.Stdin.ReadLineAsync(cancellationToken).ConfigureAwait(false))?.Trim() ?? "";
        }
        else if (txCode == WalletIo.StandardStream)
        {
            txCode = (await io.Stdin.ReadLineAsync(cancellationToken).ConfigureAwait(false))?.Trim();
        }
        using var key = await LoadKeyAsync(io, keyPath, cancellationToken).ConfigureAwait(false);

        CredentialOffer? offer = null;
        if (offerText is not null)
        {
            // OpenID4VCI §4.1: the QR code's text is the offer by value or a reference to fetch.
            var (inline, reference) = CredentialOffer.Read(offerText);
            offer = CredentialOffer.From(inline ?? await IssuerClient.GetOfferAsync(http(), reference!, cancellationToken).ConfigureAwait(false));
            if (!offer.ConfigurationIds.Contains(IssuerClient.VerifiedIdentityConfigurationId))
            {
                throw CliException.Failure($"the offer is for {string.Join(", ", offer.ConfigurationIds)}; this wallet takes {IssuerClient.VerifiedIdentityConfigurationId} only.");
            }
            // An offer with the authorization code grant only leaves the wallet no other way.
            authorize |= offer.PreAuthorizedCode is null;
            if (authorize && !offer.AuthorizationCodeAllowed)
            {
                throw CliException.Failure("the offer allows the pre-authorized code only: leave out --authorize and pass --tx-code.");
            }
            if (!authorize && offer.TxCodeRequired && string.IsNullOrEmpty(txCode))
            {
                throw CliException.Usage("this offer needs a transaction code: pass --tx-code" +
                    (offer.TxCodeDescription is null ? "." : $" ({offer.TxCodeDescription})"));
            }
        }
        if (authorize && txCode is not null)
        {
            throw CliException.Usage("--tx-code goes with the pre-authorized code; the authorization code flow signs you in instead.");
        }
        var issuer = IssuerClient.NormaliseIssuer(offer?.CredentialIssuer ?? issuerText!);
        if (offer is not null && issuer != offer.CredentialIssuer)
        {
            throw CliException.Failure($"the offer's credential_issuer '{offer.CredentialIssuer}' is not an issuer identifier in its canonical form.");
        }
        var client = new IssuerClient(http(), issuer);
        var vciMetadata = await client.GetCredentialIssuerMetadataAsync(cancellationToken).ConfigureAwait(false);
        var metadata = await client.GetMetadataAsync(cancellationToken).ConfigureAwait(false);
        var server = await client.GetAuthorizationServerAsync(vciMetadata, cancellationToken).ConfigureAwait(false);
        var token = authorize
            ? await AuthorizeAsync(io, options, client, server, offer?.IssuerState, output, cancellationToken).ConfigureAwait(false)
            : await client.RedeemPreAuthorizedCodeAsync(server.TokenEndpoint, offer!.PreAuthorizedCode!, offer.TxCodeRequired ? txCode : null, cancellationToken)
                .ConfigureAwait(false);
        var (compact, notificationId) = await ObtainAsync(client, vciMetadata, key, token.AccessToken, token.CredentialIdentifiers.FirstOrDefault(),
            cancellationToken).ConfigureAwait(false);
        string walletEvent = "credential_failure";
        try
        {
            await AcceptAndSaveAsync(io, compact, key, metadata, output, cancellationToken).ConfigureAwait(false);
            walletEvent = "credential_accepted";
        }
        finally
        {
            if (notificationId is not null &&
                await client.NotifyAsync(vciMetadata, token.AccessToken, notificationId, walletEvent, cancellationToken).ConfigureAwait(false) is { } failed)
            {
                await io.Stderr.WriteLineAsync("wallet: note: the issuer was not told the outcome: " + failed).ConfigureAwait(false);
            }
        }
        return WalletCli.ExitOk;
    }

    /// <summary>
    /// The authorization code flow (OpenID4VCI §5.1, RFC 8252): prints the authorization URL (and opens it with
    /// <c>--open</c>), takes the redirect on a loopback listener (or pasted with <c>--paste</c>), checks it and
    /// redeems the code.
    /// </summary>
    private static async Task<TokenResponse> AuthorizeAsync(WalletIo io, CliArguments options, IssuerClient client, AuthorizationServer server,
        string? issuerState, string output, CancellationToken cancellationToken)
    {
        var clientId = options.Optional("client-id") ?? DefaultClientId;
        var port = ParseInt(options.Optional("redirect-port"), "--redirect-port", 0, 65535) ?? 0;
        var timeout = TimeSpan.FromSeconds(ParseInt(options.Optional("timeout"), "--timeout", 1, 3600) ?? 300);
        var notes = io.Notes(output);
        using var listener = options.Flag("paste") ? null : new LoopbackRedirectListener(port);
        // Pasting: the port-less loopback address as registered; nothing listens there, the browser's address bar keeps the answer.
        var redirectUri = listener?.RedirectUri ?? new Uri("http://127.0.0.1" + LoopbackRedirectListener.CallbackPath);
        var request = new AuthorizationCodeRequest(server, clientId, redirectUri, IssuerClient.VerifiedIdentityConfigurationId, issuerState);

        await notes.WriteLineAsync("Open this address in your browser, sign in and allow the wallet to receive your credential:").ConfigureAwait(false);
        await notes.WriteLineAsync(request.Url.AbsoluteUri).ConfigureAwait(false);
        await notes.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (options.Flag("open"))
        {
            OpenInBrowser(io, request.Url);
        }

        string code;
        if (listener is null)
        {
            await notes.WriteLineAsync("Then paste here the address your browser was sent to (it starts with " + redirectUri.AbsoluteUri + "):").ConfigureAwait(false);
            var pasted = (await io.Stdin.ReadLineAsync(cancellationToken).ConfigureAwait(false))?.Trim();
            if (string.IsNullOrEmpty(pasted) || !Uri.TryCreate(pasted, UriKind.Absolute, out var redirect))
            {
                throw CliException.Usage("paste the whole address the browser was sent to (its state and iss are checked, so a bare code is not enough).");
            }
            code = request.ReadResponse(redirect);
        }
        else
        {
            await notes.WriteLineAsync($"Waiting for the answer at {redirectUri} (up to {timeout.TotalSeconds:0} s)...").ConfigureAwait(false);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(timeout);
            try
            {
                code = await listener.ReceiveAsync(request.ReadResponse, wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw CliException.Failure($"no answer reached {redirectUri} within {timeout.TotalSeconds:0} s; run receive again.");
            }
        }
        return await client.RedeemAuthorizationCodeAsync(server.TokenEndpoint, clientId, code, redirectUri, request.CodeVerifier, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>The client the identity service registers for this wallet (native, loopback redirect at any port).</summary>
    public const string DefaultClientId = "wallet";

    private static int? ParseInt(string? value, string name, int min, int max) =>
        value is null ? null
        : int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= min && n <= max ? n
        : throw CliException.Usage($"{name} must be a whole number from {min} to {max}.");

    /// <summary>The system's browser (xdg-open, open, start); when there is none the URL printed above still works.</summary>
    private static void OpenInBrowser(WalletIo io, Uri url)
    {
        try
        {
            using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(url.AbsoluteUri) { UseShellExecute = true });
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException or PlatformNotSupportedException)
        {
            io.Stderr.WriteLine("wallet: note: no browser could be opened; open the address above yourself.");
        }
    }

    /// <summary>Nonce, proof (aud = the issuer identifier, nonce = c_nonce) and credential request.</summary>
    private static async Task<(string Credential, string? NotificationId)> ObtainAsync(IssuerClient client, JsonObject vciMetadata, ECDsa key,
        string token, string? credentialIdentifier, CancellationToken cancellationToken)
    {
        var nonce = await client.GetNonceAsync(vciMetadata, cancellationToken).ConfigureAwait(false);
        var proof = await HolderKeys.CreateProofAsync(key, client.Issuer, DateTimeOffset.UtcNow, nonce, cancellationToken).ConfigureAwait(false);
        return await client.RequestCredentialAsync(vciMetadata, IssuerClient.VerifiedIdentityConfigurationId, credentialIdentifier, token, proof, cancellationToken)
            .ConfigureAwait(false);
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

    private static bool SameKey(P256Jwk? a, P256Jwk b) =>
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
