using System.Text.RegularExpressions;

namespace Platform.Deployment.Tests;

/// <summary>
/// The wallet CLI's client (OpenID4VCI authorization code flow, docs/kyc.md#the-wallet-cli): registered while KYC is
/// on, as the dev host registers it (public, native, explicit consent, port-less loopback redirects), and not otherwise.
/// </summary>
public sealed partial class WalletClientChartTests
{
    [Fact]
    public void With_kyc_on_the_wallet_client_is_registered_as_a_native_public_client_and_without_it_not_at_all()
    {
        var on = Helm.Render("values.yaml", "identity.kyc.fingerprintKeySecret.name=kyc-fingerprint");
        var prefix = Assert.Single(ClientIdEntry().Matches(on), m => m.Groups[2].Value == "wallet").Groups[1].Value;
        string Field(string name) => Regex.Match(on, $"- name: {Regex.Escape(prefix + name)}\\s+value: \"([^\"]*)\"").Groups[1].Value;
        Assert.Equal("public", Field("Type"));
        Assert.Equal("native", Field("ApplicationType"));
        Assert.Equal("explicit", Field("ConsentType"));
        Assert.Equal("authorization_code", Field("GrantTypes__0"));
        Assert.Equal("http://127.0.0.1/callback", Field("RedirectUris__0"));
        Assert.Equal("http://[::1]/callback", Field("RedirectUris__1"));
        Assert.DoesNotContain(prefix + "ClientSecret", on, StringComparison.Ordinal);

        // The dev host registers the same client (DevHostIdentity.WalletClientId).
        var devHost = Repository.Read("services", "DevHost", "Platform.DevHost", "DevHostIdentity.cs");
        Assert.Contains("WalletClientId = \"wallet\"", devHost, StringComparison.Ordinal);
        Assert.Contains("\"http://127.0.0.1/callback\", \"http://[::1]/callback\"", devHost, StringComparison.Ordinal);

        Assert.DoesNotContain(ClientIdEntry().Matches(Helm.Render("values.yaml")), m => m.Groups[2].Value == "wallet");
        Assert.DoesNotContain(ClientIdEntry().Matches(Helm.Render("values.yaml", "identity.kyc.fingerprintKeySecret.name=kyc-fingerprint",
            "identity.kyc.walletClient.enabled=false")), m => m.Groups[2].Value == "wallet");
    }

    [GeneratedRegex("- name: (Identity__Clients__\\d+__)ClientId\\s+value: \"([^\"]*)\"")]
    private static partial Regex ClientIdEntry();
}
