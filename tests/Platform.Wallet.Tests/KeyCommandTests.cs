using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;
using Platform.Crypto.Jose;
using Platform.Identity.Credentials;

namespace Platform.Wallet.Tests;

public sealed class KeyCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_new_key_file_is_owner_only_round_trips_and_prints_only_its_public_thumbprint()
    {
        var path = _folder.File("holder.jwk");
        var run = await WalletRun.RunAsync(null, "key", "--out", path);
        Assert.True(run.ExitCode == 0, run.ToString());
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        var json = await File.ReadAllTextAsync(path);
        var jwk = JsonNode.Parse(json)!.AsObject();
        var d = jwk["d"]!.GetValue<string>();
        Assert.DoesNotContain(d, run.Stdout + run.Stderr, StringComparison.Ordinal);

        using var key = HolderKeys.ImportPrivateJwk(json);
        var publicJwk = P256Jwk.FromECDsa(key);
        Assert.Equal(jwk["x"]!.GetValue<string>(), publicJwk.X);
        Assert.Equal(jwk["y"]!.GetValue<string>(), publicJwk.Y);

        // The printed thumbprint is the RFC 7638 one, as an independent implementation computes it.
        var reference = new JsonWebKey { Kty = "EC", Crv = "P-256", X = publicJwk.X, Y = publicJwk.Y };
        var expected = Base64UrlEncoder.Encode(reference.ComputeJwkThumbprint());
        Assert.Equal(expected, run.Stdout.Trim());
        Assert.Equal(expected, publicJwk.Thumbprint());

        // The key signs, and the public half verifies: it is a usable key pair.
        var data = Encoding.ASCII.GetBytes("round trip");
        var signature = key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        Assert.True(publicJwk.VerifyES256(data, signature));
    }

    [Fact]
    public async Task An_existing_key_is_kept_unless_forced_and_a_private_key_never_goes_to_stdout()
    {
        var path = _folder.File("holder.jwk");
        Assert.Equal(0, (await WalletRun.RunAsync(null, "key", "--out", path)).ExitCode);
        var original = await File.ReadAllTextAsync(path);

        var again = await WalletRun.RunAsync(null, "key", "--out", path);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("--force", again.Stderr, StringComparison.Ordinal);
        Assert.Equal(original, await File.ReadAllTextAsync(path));

        var forced = await WalletRun.RunAsync(null, "key", "--out", path, "--force");
        Assert.Equal(0, forced.ExitCode);
        Assert.NotEqual(original, await File.ReadAllTextAsync(path));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        var toStdout = await WalletRun.RunAsync(null, "key", "--out", "-");
        Assert.Equal(2, toStdout.ExitCode);
        Assert.Equal("", toStdout.Stdout);
    }

    [Fact]
    public async Task A_key_file_whose_public_point_is_not_its_own_is_refused()
    {
        using var a = HolderKeys.Create();
        using var b = HolderKeys.Create();
        var jwk = HolderKeys.ExportPrivateJwk(a);
        var other = P256Jwk.FromECDsa(b);
        jwk["x"] = other.X;
        jwk["y"] = other.Y;
        Assert.Throws<FormatException>(() => HolderKeys.ImportPrivateJwk(jwk));

        var publicOnly = HolderKeys.ExportPrivateJwk(a);
        publicOnly.Remove("d");
        var path = _folder.File("public.jwk");
        await File.WriteAllTextAsync(path, publicOnly.ToJsonString());
        var run = await WalletRun.RunAsync(null, "present", "--credential", path, "--key", path, "--audience", "a", "--nonce", "n");
        Assert.Equal(1, run.ExitCode);
        Assert.Single(run.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task Usage_errors_exit_2_and_missing_files_exit_1_with_one_line_and_no_stack_trace()
    {
        var noCommand = await WalletRun.RunAsync(null);
        Assert.Equal(2, noCommand.ExitCode);
        var unknownOption = await WalletRun.RunAsync(null, "verify", "--issuer", "https://issuer.example", "--audience", "a", "--nonce", "n", "--bogus", "x", "p.txt");
        Assert.Equal(2, unknownOption.ExitCode);
        Assert.Contains("--bogus", unknownOption.Stderr, StringComparison.Ordinal);
        var missingNonce = await WalletRun.RunAsync(null, "verify", "--issuer", "https://issuer.example", "--audience", "a", "p.txt");
        Assert.Equal(2, missingNonce.ExitCode);
        var badIssuer = await WalletRun.RunAsync(null, "verify", "--issuer", "http://issuer.example", "--audience", "a", "--nonce", "n", "p.txt");
        Assert.Equal(2, badIssuer.ExitCode);

        var missing = await WalletRun.RunAsync(null, "show", _folder.File("nope.txt"));
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("does not exist", missing.Stderr, StringComparison.Ordinal);
        Assert.Single(missing.Stderr.Trim().Split('\n'));
        Assert.DoesNotContain("   at ", missing.Stderr, StringComparison.Ordinal);

        var garbage = _folder.File("garbage.txt");
        await File.WriteAllTextAsync(garbage, "not an sd-jwt");
        var unreadable = await WalletRun.RunAsync(null, "show", garbage);
        Assert.Equal(1, unreadable.ExitCode);
        Assert.DoesNotContain("   at ", unreadable.Stderr, StringComparison.Ordinal);
    }
}
