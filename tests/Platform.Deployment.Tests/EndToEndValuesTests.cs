using System.Text.RegularExpressions;
using k8s.Models;

namespace Platform.Deployment.Tests;

/// <summary>
/// tests/e2e/values-e2e.yaml, which the e2e workflow installs on top of values-minimal.yaml so that the scripted
/// journey (tests/e2e/journey.sh) can sign in: it turns on the demo accounts and registers the public client the
/// sign-in script uses. The shipped values files never seed the demo accounts.
/// </summary>
public partial class EndToEndValuesTests
{
    private static readonly Lazy<Manifests> EndToEnd = new(() =>
    {
        var result = Helm.Run("template", Helm.Release, Repository.ChartDirectory, "--namespace", Helm.Namespace,
            "--values", Repository.Path("charts", "platform", "values-minimal.yaml"),
            "--values", Repository.Path("tests", "e2e", "values-e2e.yaml"));
        Assert.True(result.ExitCode == 0, result.ToString());
        return Manifests.Parse(result.StandardOutput);
    });

    private static V1Container Identity(Manifests manifests) =>
        manifests.ServiceWorkloads.Single(w => w.Component == "identity" && !w.IsHook).MainContainer;

    [Theory]
    [MemberData(nameof(ShippedValues))]
    public void No_shipped_values_file_seeds_the_demo_accounts(string values)
    {
        foreach (var workload in Manifests.Of(values).ServiceWorkloads)
        {
            Assert.DoesNotContain(workload.MainContainer.Env ?? [], e => e.Name == "Identity__Demo__Enabled");
        }
    }

    public static TheoryData<string> ShippedValues() => new(Helm.ValuesFiles);

    [Fact]
    public void The_end_to_end_values_seed_the_demo_accounts_on_the_identity_service_only()
    {
        var manifests = EndToEnd.Value;
        Assert.Equal("true", Assert.Single(Identity(manifests).Env, e => e.Name == "Identity__Demo__Enabled").Value);
        foreach (var workload in manifests.ServiceWorkloads.Where(w => w.Component != "identity"))
        {
            Assert.DoesNotContain(workload.MainContainer.Env ?? [], e => e.Name.StartsWith("Identity__Demo", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void The_end_to_end_values_register_the_client_and_scopes_the_journey_signs_in_with()
    {
        var env = Identity(EndToEnd.Value).Env.Where(e => e.Value is not null).ToDictionary(e => e.Name, e => e.Value);
        // The client and redirect URI the sign-in script uses when none is given (docs/walkthrough/sign-in.sh).
        var signIn = Repository.Read("docs", "walkthrough", "sign-in.sh");
        var clientId = Regex.Match(signIn, @"CLIENT_ID=\$\{CLIENT_ID:-([^}]+)\}").Groups[1].Value;
        var redirectUri = Regex.Match(signIn, @"REDIRECT_URI=\$\{REDIRECT_URI:-([^}]+)\}").Groups[1].Value;
        var prefix = Assert.Single(env, e => e.Key.EndsWith("__ClientId", StringComparison.Ordinal) && e.Value == clientId).Key[..^"ClientId".Length];
        Assert.Equal("public", env[prefix + "Type"]);
        Assert.Equal("authorization_code", env[prefix + "GrantTypes__0"]);
        Assert.Equal(redirectUri, env[prefix + "RedirectUris__0"]);
        var scopes = env.Where(e => e.Key.StartsWith(prefix + "Scopes__", StringComparison.Ordinal)).Select(e => e.Value).ToHashSet();
        // Every scope the journey asks for (sign_in "<scopes>" ...) is one the client may request.
        var journey = Repository.Read("tests", "e2e", "journey.sh");
        var requested = SignInScopes().Matches(journey).SelectMany(m => m.Groups[1].Value.Split(' ')).Distinct().ToList();
        Assert.Contains("consent.manage", requested);
        Assert.Contains("records", requested);
        Assert.All(requested, s => Assert.Contains(s, scopes));
    }

    [Fact]
    public void The_cluster_journey_forwards_to_services_the_chart_renders_on_the_http_port()
    {
        var wrapper = Repository.Read("tests", "e2e", "cluster-journey.sh");
        var forwarded = ForwardedService().Matches(wrapper).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(["identity", "consent", "record-vault", "ledger"], forwarded);
        Assert.Contains("port-forward \"svc/$RELEASE-$service\" \"$port:8080\"", wrapper, StringComparison.Ordinal);
        foreach (var service in forwarded)
        {
            var rendered = EndToEnd.Value.Single<V1Service>(Platform.ResourceName(service));
            Assert.Contains(rendered.Spec.Ports, p => p.Port == Platform.HttpPort);
        }
    }

    [Fact]
    public void The_demo_accounts_fail_the_render_without_development_mode_even_without_the_schema()
    {
        var result = Helm.Run("template", Helm.Release, Repository.ChartDirectory, "--namespace", Helm.Namespace,
            "--skip-schema-validation", "--set", "development.demoAccounts=true");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("development.demoAccounts seeds accounts whose passwords are public", result.StandardError, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^forward ([a-z-]+) ", RegexOptions.Multiline)]
    private static partial Regex ForwardedService();

    [GeneratedRegex("sign_in \"([^\"]+)\" \"\\$")]
    private static partial Regex SignInScopes();
}
