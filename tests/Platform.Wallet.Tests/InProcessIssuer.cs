using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Crypto;
using Platform.Crypto.Jose;
using Platform.Crypto.Software;
using Platform.Identity.Credentials;
using Platform.Identity.Kyc;
using HolderProof = Platform.Identity.Verification.HolderProof;

namespace Platform.Wallet.Tests;

/// <summary>
/// The credential library's own issuer, in process: a software signing key, its <c>/.well-known/jwt-vc-issuer</c>
/// metadata and a status list served through an <see cref="HttpClient"/> handler, and issuance to a holder key.
/// </summary>
public sealed class InProcessIssuer : IAsyncLifetime
{
    /// <summary>A bare origin's issuer identifier, written as a URL writes it (with its "/" path), as the identity service does.</summary>
    public const string IssuerId = "https://issuer.example/";
    private const string Origin = "https://issuer.example";
    public static readonly Uri StatusListUri = new(Origin + "/credentials/status-list");

    private readonly string _keys = Path.Combine(Path.GetTempPath(), "wallet-issuer-keys-" + Guid.NewGuid().ToString("N"));
    private readonly HashSet<long> _revoked = [];
    private readonly HashSet<string> _nonces = new(StringComparer.Ordinal);
    private SoftwareKeyProvider? _provider;
    private long _nextIndex;

    /// <summary>The bearer token the credential endpoint accepts.</summary>
    public const string AccessToken = "in-process-access-token-0123456789";

    public ISigningKey SigningKey { get; private set; } = null!;

    /// <summary>Nonces that came back in accepted proofs.</summary>
    public List<string> ProofNonces { get; } = [];

    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _provider = new SoftwareKeyProvider(new SoftwareKeyProviderOptions { KeyDirectory = _keys }, NullLogger<SoftwareKeyProvider>.Instance);
        SigningKey = await _provider.GetSigningKeyAsync("vc-issuer", CancellationToken.None);
        Http = new HttpClient(new Handler(this));
    }

    public Task DisposeAsync()
    {
        Http.Dispose();
        _provider?.Dispose();
        Directory.Delete(_keys, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>Issues the verified-identity credential to <paramref name="holder"/>; returns it with its status index.</summary>
    public Task<(string Credential, long Index)> IssueAsync(ECDsa holder) => IssueAsync(P256Jwk.FromECDsa(holder));

    private async Task<(string Credential, long Index)> IssueAsync(P256Jwk holderKey)
    {
        var index = Interlocked.Increment(ref _nextIndex) - 1;
        var claims = new VerifiedIdentityClaims("LENA", "HOLDER", new DateOnly(1988, 6, 6), "DEU");
        var request = VerifiedIdentityCredential.CreateRequest(IssuerId, claims, AssuranceLevel.Substantial, holderKey, DateTimeOffset.UtcNow,
            TimeSpan.FromDays(365), new StatusListReference(StatusListUri, index));
        var credential = await new SdJwtIssuer(SigningKey).IssueAsync(request, CancellationToken.None);
        return (credential.Compact, index);
    }

    public void Revoke(long index)
    {
        lock (_revoked)
        {
            _revoked.Add(index);
        }
    }

    private async Task<HttpResponseMessage> RespondAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri!;
        if (request.Method == HttpMethod.Get && uri == JwtVcIssuerMetadata.MetadataUri(IssuerId))
        {
            return Text(new JwtVcIssuerMetadata(IssuerId, [SigningKey.GetPublicJwk()]).ToJsonString(), "application/json");
        }
        if (request.Method == HttpMethod.Get && uri == StatusListUri)
        {
            long[] revoked;
            lock (_revoked)
            {
                revoked = [.. _revoked];
            }
            var token = await StatusListToken.IssueAsync(SigningKey, StatusListUri, 1024, revoked, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5), cancellationToken);
            return Text(token, "application/statuslist+jwt");
        }
        if (request.Method == HttpMethod.Get && uri.AbsoluteUri == Origin + "/.well-known/openid-credential-issuer")
        {
            // Only what the wallet reads: OpenID4VCI credential issuer metadata with its endpoints.
            return Text(new JsonObject
            {
                ["credential_issuer"] = IssuerId,
                ["credential_endpoint"] = Origin + "/credentials/issue",
                ["nonce_endpoint"] = Origin + "/credentials/nonce",
            }.ToJsonString(), "application/json");
        }
        if (request.Method == HttpMethod.Post && uri.AbsoluteUri == Origin + "/credentials/nonce")
        {
            var nonce = "c-nonce-" + Guid.NewGuid().ToString("N");
            lock (_revoked)
            {
                _nonces.Add(nonce);
            }
            return Text(new JsonObject { ["c_nonce"] = nonce }.ToJsonString(), "application/json");
        }
        if (request.Method == HttpMethod.Post && uri.AbsoluteUri == Origin + "/credentials/issue")
        {
            if (request.Headers.Authorization?.Parameter != AccessToken)
            {
                return new HttpResponseMessage(HttpStatusCode.Unauthorized);
            }
            var proof = JsonNode.Parse(await request.Content!.ReadAsStringAsync(cancellationToken))!["proofs"]!["jwt"]![0]!.GetValue<string>();
            // The identity service's own proof check (typ, ES256, jwk, aud, iat), then the nonce this issuer handed out.
            var holderKey = HolderProof.Verify(proof, IssuerId, DateTimeOffset.UtcNow).Key;
            var payload = JsonNode.Parse(Base64Url.DecodeFromChars(proof.Split('.')[1]))!.AsObject();
            var nonce = payload["nonce"]?.GetValue<string>();
            lock (_revoked)
            {
                if (nonce is null || !_nonces.Remove(nonce))
                {
                    return new HttpResponseMessage(HttpStatusCode.BadRequest)
                    {
                        Content = new StringContent("""{"error":"invalid_nonce","error_description":"proof nonce is not one this issuer handed out."}""",
                            Encoding.UTF8, "application/json"),
                    };
                }
                ProofNonces.Add(nonce);
            }
            var (credential, _) = await IssueAsync(holderKey);
            return Text(new JsonObject { ["credentials"] = new JsonArray(new JsonObject { ["credential"] = credential }) }.ToJsonString(), "application/json");
        }
        return new HttpResponseMessage(HttpStatusCode.NotFound);
    }

    private static HttpResponseMessage Text(string body, string mediaType) =>
        new(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, mediaType) };

    private sealed class Handler(InProcessIssuer issuer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            issuer.RespondAsync(request, cancellationToken);
    }
}
