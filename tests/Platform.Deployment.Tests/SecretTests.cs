using System.Text;
using k8s.Models;

namespace Platform.Deployment.Tests;

/// <summary>The chart never carries a credential: Secrets exist beforehand, or are generated in development mode.</summary>
public class SecretTests
{
    [Theory]
    [InlineData("values.yaml")]
    [InlineData("values-production.yaml")]
    public void A_production_shaped_install_renders_no_secret_at_all(string values)
    {
        Assert.Empty(Manifests.Of(values).All<V1Secret>());
    }

    [Theory]
    [InlineData("values.yaml")]
    [InlineData("values-production.yaml")]
    [InlineData("values-minimal.yaml")]
    public void No_config_map_holds_a_credential(string values)
    {
        foreach (var map in Manifests.Of(values).All<V1ConfigMap>())
        {
            foreach (var (key, value) in map.Data ?? new Dictionary<string, string>())
            {
                Assert.DoesNotMatch("(?i)(password|pwd|secret|token)\\s*[=:]", value);
                Assert.DoesNotContain("PASSWORD", key, StringComparison.OrdinalIgnoreCase);
            }
        }
    }

    [Fact]
    public void Every_secret_a_production_pod_reads_is_listed_in_the_deployment_guide()
    {
        var guide = Repository.Read("docs", "deploy.md");
        var manifests = Manifests.Of("values-production.yaml");
        var references = SecretReferences(manifests).ToArray();
        Assert.NotEmpty(references);
        foreach (var (secret, key) in references)
        {
            Assert.True(guide.Contains($"`{secret}`", StringComparison.Ordinal), $"docs/deploy.md does not list Secret {secret}");
            Assert.True(guide.Contains($"`{key}`", StringComparison.Ordinal), $"docs/deploy.md does not list key {key} of {secret}");
        }
        foreach (var item in manifests.All<DaprComponent>().SelectMany(c => c.Spec.Metadata ?? []).Where(m => m.SecretKeyRef is not null))
        {
            Assert.Contains($"`{item.SecretKeyRef!.Name}`", guide, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Development_mode_generates_every_secret_the_pods_read()
    {
        var manifests = Manifests.Of("values-minimal.yaml");
        var secrets = manifests.All<V1Secret>().ToDictionary(s => s.Metadata.Name);
        foreach (var (secret, key) in SecretReferences(manifests))
        {
            Assert.True(secrets.TryGetValue(secret, out var s), $"Secret {secret} is read but not generated");
            Assert.True(s.Data?.ContainsKey(key) == true, $"Secret {secret} has no key {key}");
            Assert.NotEmpty(s.Data![key]);
        }
        foreach (var item in manifests.All<DaprComponent>().SelectMany(c => c.Spec.Metadata ?? []).Where(m => m.SecretKeyRef is not null))
        {
            Assert.True(secrets[item.SecretKeyRef!.Name].Data.ContainsKey(item.SecretKeyRef.Key), $"{item.Name}: {item.SecretKeyRef.Name}/{item.SecretKeyRef.Key}");
        }
    }

    [Fact]
    public void Development_credentials_are_generated_not_written_in_the_chart()
    {
        var first = Manifests.Of("values-minimal.yaml").All<V1Secret>().ToDictionary(s => s.Metadata.Name);
        var second = Manifests.Parse(Helm.Render("values-minimal.yaml")).All<V1Secret>().ToDictionary(s => s.Metadata.Name);
        var chartText = string.Concat(Directory.EnumerateFiles(Repository.ChartDirectory, "*", SearchOption.AllDirectories).Select(File.ReadAllText));
        var generated = 0;
        foreach (var (name, secret) in first)
        {
            foreach (var (key, bytes) in secret.Data)
            {
                var value = Encoding.UTF8.GetString(bytes);
                if (key == "host")
                {
                    continue; // an address, not a credential
                }
                Assert.NotEqual(value, Encoding.UTF8.GetString(second[name].Data[key]));
                Assert.DoesNotContain(value, chartText, StringComparison.Ordinal);
                generated++;
            }
        }
        Assert.True(generated >= 8, $"{generated} generated values");
    }

    [Fact]
    public void The_development_connection_strings_share_the_generated_postgres_password()
    {
        var secrets = Manifests.Of("values-minimal.yaml").All<V1Secret>().ToDictionary(s => s.Metadata.Name);
        var password = Encoding.UTF8.GetString(secrets[$"{Helm.Release}-dev-postgres"].Data["password"]);
        Assert.Equal(32, password.Length);
        foreach (var id in Platform.AppIds)
        {
            var connection = Encoding.UTF8.GetString(secrets[$"platform-{id}-db"].Data["connection-string"]);
            Assert.Contains($"Password={password}", connection, StringComparison.Ordinal);
            Assert.Contains($"Database={id.Replace('-', '_')}", connection, StringComparison.Ordinal);
        }
        var redis = secrets["platform-redis"].Data;
        Assert.Contains($"password={Encoding.UTF8.GetString(redis["password"])}", Encoding.UTF8.GetString(redis["connection-string"]), StringComparison.Ordinal);
    }

    private static IEnumerable<(string Secret, string Key)> SecretReferences(Manifests manifests) =>
        manifests.Workloads.SelectMany(w => w.Spec.Containers)
            .SelectMany(c => c.Env ?? [])
            .Where(e => e.ValueFrom?.SecretKeyRef is not null)
            .Select(e => (e.ValueFrom.SecretKeyRef.Name, e.ValueFrom.SecretKeyRef.Key))
            .Distinct();
}
