using System.Text.RegularExpressions;
using k8s.Models;

namespace Platform.Deployment.Tests;

/// <summary>
/// The identity service's SMART App Launch settings (<c>Identity:Smart:*</c>) as chart values: defaults that are the
/// code's own, every key one SmartOptions reads, and the patient picker's call to consent allowed only when configured.
/// </summary>
public class SmartValuesTests
{
    private static readonly string Options = Repository.Read("services", "Identity", "Platform.Identity", "Smart", "SmartOptions.cs");

    [Theory]
    [InlineData("values.yaml")]
    [InlineData("values-production.yaml")]
    [InlineData("values-minimal.yaml")]
    public void The_defaults_are_the_codes_defaults(string values)
    {
        var identity = Identity(Manifests.Of(values));
        var smart = identity.Env.Where(e => e.Name.StartsWith("Identity__Smart__", StringComparison.Ordinal)).ToArray();
        // Only the purpose is set, to the value SmartOptions starts with; the URLs stay unset (null in the code).
        var purpose = Assert.Single(smart);
        Assert.Equal("Identity__Smart__Purpose", purpose.Name);
        Assert.Equal(Regex.Match(Options, "Purpose \\{ get; set; \\} = \"([^\"]+)\"").Groups[1].Value, purpose.Value);
        Assert.Matches("public Uri\\? FhirBaseUrl \\{ get; set; \\}\\r?\\n", Options);
        Assert.Matches("public Uri\\? ConsentUrl \\{ get; set; \\}\\r?\\n", Options);
    }

    [Fact]
    public void Set_values_become_the_settings_smart_options_reads_and_open_the_pickers_call_to_consent()
    {
        var manifests = Manifests.Parse(Helm.Render("values.yaml",
            "identity.smart.fhirBaseUrl=https://records.example.com/fhir/r4",
            "identity.smart.consentUrl=http://platform-consent:8080/",
            "identity.smart.purpose=ETREAT",
            "identity.serviceClient.enabled=true", "identity.serviceClient.scopes[0]=consent.decide"));
        var identity = Identity(manifests);
        var smart = identity.Env.Where(e => e.Name.StartsWith("Identity__Smart__", StringComparison.Ordinal)).ToDictionary(e => e.Name, e => e.Value);
        Assert.Equal("https://records.example.com/fhir/r4", smart["Identity__Smart__FhirBaseUrl"]);
        Assert.Equal("http://platform-consent:8080/", smart["Identity__Smart__ConsentUrl"]);
        Assert.Equal("ETREAT", smart["Identity__Smart__Purpose"]);
        foreach (var name in smart.Keys)
        {
            Assert.Matches($@"public \S+ {name["Identity__Smart__".Length..]} \{{ get; set; \}}", Options);
        }
        // The picker's token: the identity service's own client, from its own public issuer.
        Assert.Equal(WorkloadTests.Env(identity, "Identity__Issuer").Value, WorkloadTests.Env(identity, "ServiceClient__Authority").Value);
        Assert.NotNull(WorkloadTests.Env(identity, "ServiceClient__ClientSecret").ValueFrom.SecretKeyRef);

        // The consent URL names the consent Service, and the network policies let exactly this call through.
        Assert.Equal("consent", manifests.Single<V1Service>(new Uri(smart["Identity__Smart__ConsentUrl"]!).Host).Spec.Selector["app.kubernetes.io/component"]);
        Assert.True(Reaches(manifests, "identity", "consent"));
        Assert.False(Reaches(Manifests.Of("values.yaml"), "identity", "consent"));
    }

    [Theory]
    [InlineData("identity.smart.consentUrl=http://platform-consent:8080/", "identity.serviceClient")]
    [InlineData("identity.smart.fhirBaseUrl=records/fhir", "/identity/smart/fhirBaseUrl")]
    [InlineData("identity.smart.purpose=treat", "/identity/smart/purpose")]
    public void Bad_smart_values_are_refused(string set, string message)
    {
        var result = Helm.Template("values.yaml", set);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(message, result.StandardError, StringComparison.Ordinal);
    }

    private static V1Container Identity(Manifests manifests) =>
        Assert.Single(manifests.ServiceWorkloads, w => w.Component == "identity" && !w.IsHook).MainContainer;

    /// <summary>The caller's policy lets it out to the callee's pods on 8080 and the callee's lets it in.</summary>
    private static bool Reaches(Manifests manifests, string from, string to)
    {
        static bool Names(V1NetworkPolicyPeer peer, string id) =>
            peer.PodSelector?.MatchLabels?.TryGetValue("app.kubernetes.io/component", out var c) == true && c == id;
        var egress = manifests.Single<V1NetworkPolicy>(Platform.ResourceName(from)).Spec.Egress
            .Any(r => r.To?.Any(p => Names(p, to)) == true && r.Ports.Any(p => p.Port.Value == "8080"));
        var ingress = manifests.Single<V1NetworkPolicy>(Platform.ResourceName(to)).Spec.Ingress
            .Any(r => r.FromProperty?.Any(p => Names(p, from)) == true && r.Ports.Any(p => p.Port.Value == "8080"));
        return egress && ingress;
    }
}
