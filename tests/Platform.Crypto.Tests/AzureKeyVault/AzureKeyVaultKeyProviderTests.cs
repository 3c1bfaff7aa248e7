using System.Buffers.Text;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Azure.Core.Pipeline;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Platform.Crypto.AzureKeyVault;
using Platform.Crypto.Tests.Infrastructure;

namespace Platform.Crypto.Tests.AzureKeyVault;

/// <summary>
/// Replays recorded Key Vault exchanges (Recordings/*.json). The replay handler asserts every request the provider
/// sends: method, path, api-version, bearer token and JSON body.
/// </summary>
public sealed class AzureKeyVaultKeyProviderTests
{
    private const string VaultHost = "platform-test.vault.azure.net";
    private const string HsmHost = "platform-test.managedhsm.azure.net";
    private const string V1 = "d29963827abfc6d16443766a0764572b";
    private const string V2 = "16f4232629190d799df115fa34e28227";
    private const string V3 = "347b9fc140d21906996aacd13c8cda88";
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>The data key the recordings were made with: bytes 0..31.</summary>
    private static readonly byte[] DataKey = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

    private readonly FakeTokenCredential _credential = new();
    private ReplayKeyVaultHandler? _handler;

    private AzureKeyVaultKeyProvider Replay(string recording, bool managedHsm = false, int maxRetries = 0)
    {
        var host = managedHsm ? HsmHost : VaultHost;
        _handler = new ReplayKeyVaultHandler(KeyVaultRecording.Load(recording), host, _credential.Token);
        var options = new AzureKeyVaultOptions
        {
            VaultUri = new Uri($"https://{host}/"),
            ManagedHsm = managedHsm,
            MaxRetries = maxRetries,
            RetryDelay = TimeSpan.FromMilliseconds(1),
        };
        return new AzureKeyVaultKeyProvider(options, _credential, new TestLogger<AzureKeyVaultKeyProvider>(),
            new HttpClientTransport(_handler));
    }

    [Fact]
    public async Task Wrap_reads_the_current_version_and_posts_wrapkey_with_rsa_oaep_256()
    {
        var provider = Replay("vault-get-and-wrap.json");

        var kek = await provider.GetKeyEncryptionKeyAsync("record-kek", None);
        var wrapped = await kek.WrapAsync(DataKey, None);

        _handler!.AssertAllExchangesPlayed();
        Assert.Equal(V1, kek.CurrentVersion);
        Assert.Equal(("record-kek", V1, "RSA-OAEP-256"), (wrapped.KeyName, wrapped.KeyVersion, wrapped.Algorithm));
        Assert.Equal(384, wrapped.Ciphertext.Length); // the recorded RSA-3072 result, decoded from base64url
        Assert.Equal(["https://vault.azure.net/.default"], _credential.RequestedScopes.Distinct());
    }

    [Fact]
    public async Task Unwrap_uses_the_version_recorded_in_the_wrapped_key()
    {
        var provider = Replay("vault-unwrap-old-version.json");
        var kek = await provider.GetKeyEncryptionKeyAsync("record-kek", None);
        var recordedCiphertext = RecordedValue("vault-unwrap-old-version.json", 1);

        var clear = await kek.UnwrapAsync(new WrappedKey("record-kek", V1, "RSA-OAEP-256", recordedCiphertext), None);

        _handler!.AssertAllExchangesPlayed();
        Assert.Equal(V2, kek.CurrentVersion);
        Assert.Equal(DataKey, clear);
    }

    [Fact]
    public async Task Missing_kek_is_created_as_an_hsm_rsa_key()
    {
        var provider = Replay("vault-create-when-missing.json");

        var kek = await provider.GetKeyEncryptionKeyAsync("record-kek", None);

        _handler!.AssertAllExchangesPlayed();
        Assert.Equal(V1, kek.CurrentVersion);
    }

    [Fact]
    public async Task Rotation_creates_a_new_version_and_later_wraps_use_it()
    {
        var provider = Replay("vault-rotate-then-wrap.json");
        var kek = await provider.GetKeyEncryptionKeyAsync("record-kek", None);

        var version = await provider.RotateKeyEncryptionKeyAsync("record-kek", None);
        var wrapped = await kek.WrapAsync(DataKey, None);

        _handler!.AssertAllExchangesPlayed();
        Assert.Equal(V2, version);
        Assert.Equal(V2, kek.CurrentVersion);
        Assert.Equal(V2, wrapped.KeyVersion);
    }

    [Fact]
    public async Task Managed_hsm_uses_its_scope_an_oct_hsm_key_and_a256kw()
    {
        var provider = Replay("managed-hsm-create-and-wrap.json", managedHsm: true);

        var kek = await provider.GetKeyEncryptionKeyAsync("record-kek", None);
        var wrapped = await kek.WrapAsync(DataKey, None);

        _handler!.AssertAllExchangesPlayed();
        Assert.Equal("AzureManagedHsm", provider.ProviderName);
        Assert.Equal((V3, "A256KW", 40), (wrapped.KeyVersion, wrapped.Algorithm, wrapped.Ciphertext.Length));
        Assert.Equal(["https://managedhsm.azure.net/.default"], _credential.RequestedScopes.Distinct());
    }

    [Fact]
    public async Task Es256_signature_from_key_vault_verifies_with_the_public_jwk()
    {
        var provider = Replay("vault-sign-es256.json");
        var data = Encoding.UTF8.GetBytes("consent-event-42");

        var key = await provider.GetSigningKeyAsync("consent-signing", None);
        var signature = await key.SignAsync(data, None);

        _handler!.AssertAllExchangesPlayed();
        Assert.Equal($"https://{VaultHost}/keys/consent-signing/{V3}", key.KeyId);
        Assert.Equal(key.KeyId, key.GetPublicJwk().Kid);
        Assert.Equal(64, signature.Length);
        Assert.True(Jwk.VerifyEs256(key.GetPublicJwk(), data, signature));
        Assert.False(Jwk.VerifyEs256(key.GetPublicJwk(), Encoding.UTF8.GetBytes("consent-event-43"), signature));
    }

    [Fact]
    public async Task Rs256_key_is_created_as_rsa_hsm_2048_and_its_signature_verifies()
    {
        var provider = Replay("vault-sign-rs256.json");
        var data = Encoding.UTF8.GetBytes("header.payload");

        var key = await provider.GetRsaSigningKeyAsync("oidc-signing-rsa-1", None);
        var signature = await key.SignDigestAsync(SHA256.HashData(data), None);

        _handler!.AssertAllExchangesPlayed();
        Assert.Equal("RS256", key.Algorithm);
        Assert.Equal($"https://{VaultHost}/keys/oidc-signing-rsa-1/5c1d2e3f40516273849506a7b8c9d0e1", key.KeyId);
        using var rsa = RSA.Create(key.PublicParameters);
        Assert.Equal(2048, rsa.KeySize);
        Assert.True(rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        Assert.False(rsa.VerifyData(Encoding.UTF8.GetBytes("header.payload2"), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public async Task Rs256_signature_that_does_not_verify_is_refused()
    {
        var provider = Replay("vault-sign-rs256-bad-signature.json");
        var key = await provider.GetRsaSigningKeyAsync("oidc-signing-rsa-1", None);

        await Assert.ThrowsAsync<KeyProviderException>(() => key.SignDigestAsync(SHA256.HashData("header.payload"u8.ToArray()), None));

        _handler!.AssertAllExchangesPlayed();
    }

    [Fact]
    public async Task Rejected_ciphertext_becomes_a_key_unwrap_exception()
    {
        var provider = Replay("vault-unwrap-tampered.json");
        var kek = await provider.GetKeyEncryptionKeyAsync("record-kek", None);

        var error = await Assert.ThrowsAsync<KeyUnwrapException>(() => kek.UnwrapAsync(
            new WrappedKey("record-kek", V1, "RSA-OAEP-256", RecordedValue("vault-unwrap-tampered.json", 1)), None));

        _handler!.AssertAllExchangesPlayed();
        var inner = Assert.IsType<KeyVaultRequestException>(error.InnerException);
        Assert.Equal((400, "BadParameter"), (inner.Status, inner.ErrorCode));
    }

    [Fact]
    public async Task Wrapped_keys_of_another_key_or_algorithm_are_rejected_without_a_request()
    {
        var provider = Replay("vault-get-and-wrap.json");
        var kek = await provider.GetKeyEncryptionKeyAsync("record-kek", None);

        await Assert.ThrowsAsync<KeyUnwrapException>(() => kek.UnwrapAsync(new WrappedKey("other-kek", V1, "RSA-OAEP-256", [1]), None));
        await Assert.ThrowsAsync<KeyUnwrapException>(() => kek.UnwrapAsync(new WrappedKey("record-kek", V1, "A256KWP", [1]), None));
        await Assert.ThrowsAsync<KeyUnwrapException>(() => kek.UnwrapAsync(new WrappedKey("record-kek", "../../x", "RSA-OAEP-256", [1]), None));
        Assert.Single(_handler!.Requests); // only the GET
    }

    [Fact]
    public async Task Unauthorized_is_reported_with_status_and_code_but_without_the_token()
    {
        var provider = Replay("vault-error-401.json");

        var error = await Assert.ThrowsAsync<KeyVaultRequestException>(() => provider.GetKeyEncryptionKeyAsync("record-kek", None));

        Assert.Equal((401, "Unauthorized", "get", "record-kek"), (error.Status, error.ErrorCode, error.Operation, error.KeyName));
        Assert.Contains("record-kek", error.Message, StringComparison.Ordinal);
        Assert.Contains("401", error.Message, StringComparison.Ordinal);
        Assert.Contains("AKV10022", error.ServiceMessage, StringComparison.Ordinal);
        AssertNoSecrets(error);
    }

    [Fact]
    public async Task Forbidden_is_reported_with_status_and_code_but_without_token_or_key()
    {
        var provider = Replay("vault-error-403.json");
        var kek = await provider.GetKeyEncryptionKeyAsync("record-kek", None);

        var error = await Assert.ThrowsAsync<KeyVaultRequestException>(() => kek.WrapAsync(DataKey, None));

        _handler!.AssertAllExchangesPlayed();
        Assert.Equal((403, "Forbidden", "wrapkey"), (error.Status, error.ErrorCode, error.Operation));
        Assert.Contains("wrapkey", error.Message, StringComparison.Ordinal);
        Assert.Contains("permission", error.Message, StringComparison.Ordinal);
        AssertNoSecrets(error);
    }

    [Fact]
    public async Task Throttling_returns_retry_after_when_retries_are_exhausted()
    {
        var provider = Replay("vault-error-429.json");
        var kek = await provider.GetKeyEncryptionKeyAsync("record-kek", None);

        var error = await Assert.ThrowsAsync<KeyVaultRequestException>(() =>
            kek.UnwrapAsync(new WrappedKey("record-kek", V1, "RSA-OAEP-256", RecordedValue("vault-error-429.json", 1)), None));

        _handler!.AssertAllExchangesPlayed();
        Assert.Equal((429, "Throttled", "unwrapkey"), (error.Status, error.ErrorCode, error.Operation));
        Assert.Equal(TimeSpan.FromSeconds(7), error.RetryAfter);
        Assert.Contains("retry after 7 s", error.Message, StringComparison.Ordinal);
        AssertNoSecrets(error);
    }

    [Fact]
    public async Task Throttled_request_is_retried_after_the_servers_retry_after()
    {
        var provider = Replay("vault-throttled-then-ok.json", maxRetries: 1);
        var kek = await provider.GetKeyEncryptionKeyAsync("record-kek", None);

        var clock = Stopwatch.StartNew();
        var wrapped = await kek.WrapAsync(DataKey, None);

        _handler!.AssertAllExchangesPlayed();
        Assert.Equal(V1, wrapped.KeyVersion);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(900), $"retried after {clock.Elapsed}, before Retry-After: 1");
    }

    [Fact]
    public async Task Readiness_is_true_when_the_vault_answers_and_false_when_it_refuses()
    {
        var available = Replay("vault-health-available.json");
        Assert.True(await available.IsAvailableAsync(None));
        _handler!.AssertAllExchangesPlayed();

        var forbidden = Replay("vault-health-forbidden.json");
        var result = await new KeyProviderHealthCheck(forbidden).CheckHealthAsync(new HealthCheckContext(), None);
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        _handler!.AssertAllExchangesPlayed();

        // The services register it as Degraded (shared by every pod: stay in the Service, answer 503 per request).
        var degraded = Replay("vault-health-forbidden.json");
        var registration = new HealthCheckRegistration("keys", new KeyProviderHealthCheck(degraded), HealthStatus.Degraded, ["ready"]);
        var asRegistered = await new KeyProviderHealthCheck(degraded).CheckHealthAsync(new HealthCheckContext { Registration = registration }, None);
        Assert.Equal(HealthStatus.Degraded, asRegistered.Status);
    }

    [Fact]
    public async Task Unreachable_vault_is_a_provider_error_and_not_available()
    {
        var options = new AzureKeyVaultOptions { VaultUri = new Uri($"https://{VaultHost}/"), MaxRetries = 1, RetryDelay = TimeSpan.FromMilliseconds(1) };
        var refusing = new RefusingHandler();
        var provider = new AzureKeyVaultKeyProvider(options, _credential, new TestLogger<AzureKeyVaultKeyProvider>(), new HttpClientTransport(refusing));

        var error = await Assert.ThrowsAsync<KeyProviderException>(() => provider.GetKeyEncryptionKeyAsync("record-kek", None));

        Assert.Contains(VaultHost, error.Message, StringComparison.Ordinal);
        Assert.Contains("could not be reached", error.Message, StringComparison.Ordinal);
        Assert.False(await provider.IsAvailableAsync(None));
        Assert.Equal(4, refusing.Calls); // one retry each time
        AssertNoSecrets(error);
    }

    [Fact]
    public void Options_require_an_https_vault_uri()
    {
        var error = Assert.Throws<KeyProviderException>(() => new AzureKeyVaultKeyProvider(
            new AzureKeyVaultOptions { VaultUri = new Uri("http://platform-test.vault.azure.net/") }, _credential,
            new TestLogger<AzureKeyVaultKeyProvider>()));
        Assert.Contains("VaultUri", error.Message, StringComparison.Ordinal);
    }

    private sealed class RefusingHandler : HttpMessageHandler
    {
        public int Calls;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Calls);
            throw new HttpRequestException("Connection refused (platform-test.vault.azure.net:443)");
        }
    }

    private void AssertNoSecrets(Exception error)
    {
        var text = error.ToString();
        Assert.DoesNotContain(_credential.Token, text, StringComparison.Ordinal);
        Assert.DoesNotContain("Bearer " + _credential.Token[..8], text, StringComparison.Ordinal); // not even a prefix
        Assert.DoesNotContain(Base64Url.EncodeToString(DataKey), text, StringComparison.Ordinal);
    }

    /// <summary>The base64url "value" of the request body of exchange <paramref name="index"/>, decoded.</summary>
    private static byte[] RecordedValue(string recording, int index) =>
        Base64Url.DecodeFromChars(KeyVaultRecording.Load(recording).Exchanges[index].Request.Body!["value"]!.GetValue<string>());
}
