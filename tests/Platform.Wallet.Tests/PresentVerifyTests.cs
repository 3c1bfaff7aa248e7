using System.Security.Cryptography;
using System.Text.Json;
using Platform.Crypto.Jose;
using Platform.Identity.Credentials;

namespace Platform.Wallet.Tests;

/// <summary>present and verify against the credential library's own issuer, in process.</summary>
public sealed class PresentVerifyTests(InProcessIssuer issuer) : IClassFixture<InProcessIssuer>, IAsyncLifetime
{
    private const string Audience = "https://verifier.example";
    private const string Nonce = "n-123";

    private readonly TempFolder _folder = new();
    private string _key = "";
    private string _credential = "";
    private long _index;

    public async Task InitializeAsync()
    {
        _key = _folder.File("holder.jwk");
        Assert.Equal(0, (await WalletRun.RunAsync(null, "key", "--out", _key)).ExitCode);
        using var holder = HolderKeys.ImportPrivateJwk(await File.ReadAllTextAsync(_key));
        (var credential, _index) = await issuer.IssueAsync(holder);
        _credential = _folder.File("credential.txt");
        await File.WriteAllTextAsync(_credential, credential + "\n");
    }

    public Task DisposeAsync()
    {
        _folder.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Only_the_chosen_claims_are_presented_and_verified()
    {
        var presentation = await PresentAsync("given_name,age_over_18");
        var sent = SdJwt.Parse(await File.ReadAllTextAsync(presentation));
        Assert.Equal(["given_name", "age_over_18"], sent.Disclosures.Select(d => d.ClaimName));
        Assert.NotNull(sent.KeyBindingJwt);

        var run = await VerifyAsync(presentation);
        Assert.True(run.ExitCode == 0, run.ToString());
        var answer = JsonDocument.Parse(run.Stdout).RootElement;
        Assert.True(answer.GetProperty("valid").GetBoolean());
        Assert.Equal(InProcessIssuer.IssuerId, answer.GetProperty("issuer").GetString());
        Assert.Equal(VerifiedIdentityCredential.Vct, answer.GetProperty("vct").GetString());
        Assert.Equal("valid", answer.GetProperty("status").GetString());
        var claims = answer.GetProperty("claims");
        Assert.Equal(["given_name", "age_over_18"], claims.EnumerateObject().Select(p => p.Name));
        Assert.Equal("LENA", claims.GetProperty("given_name").GetString());
        Assert.True(claims.GetProperty("age_over_18").GetBoolean());
        Assert.DoesNotContain("HOLDER", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("1988", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_audience_or_nonce_is_refused()
    {
        var presentation = await PresentAsync("age_over_18");
        var audience = await WalletRun.RunAsync(issuer.Http, "verify", "--issuer", InProcessIssuer.IssuerId, "--audience", "https://other.example", "--nonce", Nonce, presentation);
        AssertRefused(audience, "wrong_audience");
        var nonce = await WalletRun.RunAsync(issuer.Http, "verify", "--issuer", InProcessIssuer.IssuerId, "--audience", Audience, "--nonce", "n-456", presentation);
        AssertRefused(nonce, "wrong_nonce");
    }

    [Fact]
    public async Task A_tampered_disclosure_is_refused_even_with_a_fresh_key_binding()
    {
        var presentation = SdJwt.Parse(await File.ReadAllTextAsync(await PresentAsync("given_name")));
        var original = presentation.Disclosures.Single();
        var forged = Disclosure.Create(original.Salt, "given_name", "MALLORY");
        using var holder = HolderKeys.ImportPrivateJwk(await File.ReadAllTextAsync(_key));
        var tampered = SdJwt.Create(presentation.IssuerSignedJwt, [forged]);
        var bound = tampered.WithoutKeyBinding + await SdJwtHolder.CreateKeyBindingJwtAsync(tampered, new KeyBindingChallenge(Audience, Nonce),
            Es256Signers.FromECDsa(holder), DateTimeOffset.UtcNow, CancellationToken.None);
        var path = _folder.File("tampered.txt");
        await File.WriteAllTextAsync(path, bound);

        var run = await VerifyAsync(path);
        AssertRefused(run, "disclosure_not_referenced");
        Assert.DoesNotContain("MALLORY", run.Stdout + run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_presentation_signed_by_another_holder_key_is_refused_and_the_wallet_will_not_make_one()
    {
        var otherKey = _folder.File("other.jwk");
        Assert.Equal(0, (await WalletRun.RunAsync(null, "key", "--out", otherKey)).ExitCode);
        var refusedToPresent = await WalletRun.RunAsync(null, "present", "--credential", _credential, "--key", otherKey,
            "--disclose", "given_name", "--audience", Audience, "--nonce", Nonce, "--out", _folder.File("never.txt"));
        Assert.Equal(1, refusedToPresent.ExitCode);
        Assert.False(File.Exists(_folder.File("never.txt")));

        // Built with the library directly: the key binding is signed by a key that is not the credential's cnf.jwk.
        using var other = HolderKeys.ImportPrivateJwk(await File.ReadAllTextAsync(otherKey));
        var credential = SdJwtHolder.Accept((await File.ReadAllTextAsync(_credential)).Trim());
        var presentation = await SdJwtHolder.PresentWithKeyBindingAsync(credential, SdJwtHolder.SelectByClaimName(credential, ["given_name"]),
            new KeyBindingChallenge(Audience, Nonce), Es256Signers.FromECDsa(other), DateTimeOffset.UtcNow, CancellationToken.None);
        var path = _folder.File("stolen.txt");
        await File.WriteAllTextAsync(path, presentation.Compact);
        AssertRefused(await VerifyAsync(path), "wrong_holder_key");
    }

    [Fact]
    public async Task A_forged_issuer_signature_is_refused()
    {
        var presentation = (await File.ReadAllTextAsync(await PresentAsync("age_over_18"))).Trim();
        var jwtEnd = presentation.IndexOf('~', StringComparison.Ordinal);
        var signatureStart = presentation.LastIndexOf('.', jwtEnd) + 1;
        // Flip the first signature character to another base64url character.
        var flipped = presentation[signatureStart] == 'A' ? 'B' : 'A';
        var forged = presentation[..signatureStart] + flipped + presentation[(signatureStart + 1)..];
        var path = _folder.File("forged.txt");
        await File.WriteAllTextAsync(path, forged);
        AssertRefused(await VerifyAsync(path), "bad_signature");
    }

    [Fact]
    public async Task A_revoked_credential_is_refused_after_the_status_list_marks_it()
    {
        var presentation = await PresentAsync("age_over_18");
        Assert.Equal(0, (await VerifyAsync(presentation)).ExitCode);
        issuer.Revoke(_index);
        AssertRefused(await VerifyAsync(presentation), "revoked");
    }

    [Fact]
    public async Task Show_prints_the_holders_own_claims_and_present_and_verify_work_through_stdin_and_stdout()
    {
        var show = await WalletRun.RunAsync(null, "show", _credential);
        Assert.True(show.ExitCode == 0, show.ToString());
        var shown = JsonDocument.Parse(show.Stdout).RootElement;
        Assert.Equal(InProcessIssuer.IssuerId, shown.GetProperty("issuer_signed").GetProperty("iss").GetString());
        Assert.False(shown.GetProperty("issuer_signed").TryGetProperty("_sd", out _));
        Assert.Equal("HOLDER", shown.GetProperty("disclosable").GetProperty("family_name").GetString());
        Assert.Equal("1988-06-06", shown.GetProperty("disclosable").GetProperty("birthdate").GetString());
        Assert.Equal(6, shown.GetProperty("disclosable").EnumerateObject().Count());

        var credentialText = await File.ReadAllTextAsync(_credential);
        var present = await WalletRun.RunWithInputAsync(null, credentialText, "present", "--credential", "-", "--key", _key,
            "--disclose", "nationality", "--audience", Audience, "--nonce", Nonce, "--out", "-");
        Assert.True(present.ExitCode == 0, present.ToString());
        var verify = await WalletRun.RunWithInputAsync(issuer.Http, present.Stdout, "verify", "--issuer", InProcessIssuer.IssuerId,
            "--audience", Audience, "--nonce", Nonce, "-");
        Assert.True(verify.ExitCode == 0, verify.ToString());
        var claims = JsonDocument.Parse(verify.Stdout).RootElement.GetProperty("claims");
        Assert.Equal("DEU", claims.GetProperty("nationality").GetString());
        Assert.Single(claims.EnumerateObject());
    }

    [Fact]
    public async Task Asking_to_disclose_a_claim_the_credential_does_not_have_is_a_usage_error()
    {
        var run = await WalletRun.RunAsync(null, "present", "--credential", _credential, "--key", _key, "--disclose", "given_name,email",
            "--audience", Audience, "--nonce", Nonce, "--out", _folder.File("p.txt"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("'email'", run.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(_folder.File("p.txt")));
    }

    [Fact]
    public async Task Request_sends_the_nonce_the_issuer_offers_and_keeps_a_credential_bound_to_the_key()
    {
        var path = _folder.File("requested.txt");
        var run = await WalletRun.RunAsync(issuer.Http, "request", "--issuer", InProcessIssuer.IssuerId, "--token", InProcessIssuer.AccessToken,
            "--key", _key, "--out", path);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("age_over_18", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(InProcessIssuer.AccessToken, run.Stdout + run.Stderr, StringComparison.Ordinal);
        Assert.Contains(issuer.ProofNonces, n => n.StartsWith("c-nonce-", StringComparison.Ordinal));

        var credential = SdJwtHolder.Accept((await File.ReadAllTextAsync(path)).Trim());
        using var holder = HolderKeys.ImportPrivateJwk(await File.ReadAllTextAsync(_key));
        Assert.Equal(P256Jwk.FromECDsa(holder).Y, SdJwtInspection.ReadHolderKey(SdJwtInspection.ReadUnverifiedPayload(credential))!.Y);

        // With --out - the credential is the only thing on stdout.
        var piped = await WalletRun.RunAsync(issuer.Http, "request", "--issuer", InProcessIssuer.IssuerId, "--token", InProcessIssuer.AccessToken,
            "--key", _key, "--out", "-");
        Assert.True(piped.ExitCode == 0, piped.ToString());
        Assert.Equal(6, SdJwtHolder.Accept(piped.Stdout.Trim()).Disclosures.Count);
        Assert.Contains("age_over_18", piped.Stderr, StringComparison.Ordinal);
    }

    private async Task<string> PresentAsync(string disclose)
    {
        var path = _folder.File($"presentation-{Guid.NewGuid():N}.txt");
        var run = await WalletRun.RunAsync(null, "present", "--credential", _credential, "--key", _key, "--disclose", disclose,
            "--audience", Audience, "--nonce", Nonce, "--out", path);
        Assert.True(run.ExitCode == 0, run.ToString());
        return path;
    }

    private Task<WalletRun> VerifyAsync(string presentation) =>
        WalletRun.RunAsync(issuer.Http, "verify", "--issuer", InProcessIssuer.IssuerId, "--audience", Audience, "--nonce", Nonce, presentation);

    private static void AssertRefused(WalletRun run, string reason)
    {
        Assert.True(run.ExitCode == 1, run.ToString());
        var answer = JsonDocument.Parse(run.Stdout).RootElement;
        Assert.False(answer.GetProperty("valid").GetBoolean());
        Assert.Equal(reason, answer.GetProperty("reason").GetString());
        Assert.False(answer.TryGetProperty("claims", out _));
    }
}
