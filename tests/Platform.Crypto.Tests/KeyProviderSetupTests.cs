using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Crypto.AzureKeyVault;
using Platform.Crypto.Pkcs11;
using Platform.Crypto.Software;
using Platform.Crypto.Tests.Infrastructure;

using Platform.Testing;

namespace Platform.Crypto.Tests;

public sealed class KeyProviderSetupTests
{
    private static IConfiguration Section(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>("Keys:" + s.Key, s.Value)))
            .Build()
            .GetSection("Keys");

    private static ServiceCollection Services()
    {
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        return services;
    }

    [Fact]
    public async Task Software_provider_is_chosen_by_configuration_and_reports_healthy()
    {
        var directory = Path.Combine(Path.GetTempPath(), "setup-keys-" + Guid.NewGuid().ToString("N"));
        try
        {
            var services = Services();
            services.AddKeyProvider(Section(("Provider", "software"), ("Software:KeyDirectory", directory)));
            await using var provider = services.BuildServiceProvider();

            var keys = provider.GetRequiredService<IKeyProvider>();
            var health = await provider.GetRequiredService<KeyProviderHealthCheck>().CheckHealthAsync(new HealthCheckContext());

            Assert.IsType<SoftwareKeyProvider>(keys);
            Assert.Equal(HealthStatus.Healthy, health.Status);
            Assert.Equal(Path.GetFullPath(directory), ((SoftwareKeyProvider)keys).KeyDirectory);
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Vault")]
    [InlineData("1")]
    public void Unknown_provider_names_the_valid_choices(string? value)
    {
        var error = Assert.Throws<KeyProviderException>(() =>
            Services().AddKeyProvider(value is null ? Section() : Section(("Provider", value))));
        Assert.Contains("Software, Pkcs11, AzureKeyVault", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pkcs11_settings_are_validated_without_revealing_the_pin()
    {
        const string pin = "secret-pin-4242";
        var error = Assert.Throws<KeyProviderException>(() => Services().AddKeyProvider(
            Section(("Provider", "Pkcs11"), ("Pkcs11:UserPin", pin))));

        Assert.Contains("Pkcs11:LibraryPath", error.Message, StringComparison.Ordinal);
        Assert.Contains("Pkcs11:TokenLabel", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("UserPin", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(pin, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Pkcs11_provider_is_registered_from_configuration()
    {
        var services = Services();
        services.AddKeyProvider(Section(("Provider", "Pkcs11"), ("Pkcs11:LibraryPath", SoftHsmFixture.DefaultLibraryPath),
            ("Pkcs11:TokenLabel", "any"), ("Pkcs11:UserPin", "1234"), ("Pkcs11:KeyLabelPrefix", "kyc-")));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<Pkcs11KeyProviderOptions>();
        Assert.Equal(("any", "kyc-"), (options.TokenLabel, options.KeyLabelPrefix));
        // The token is opened on first use, not at resolution, so resolving needs no HSM.
        Assert.IsType<Pkcs11KeyProvider>(provider.GetRequiredService<IKeyProvider>());
    }

    [Fact]
    public void Azure_provider_uses_a_registered_credential_and_binds_its_options()
    {
        var services = Services();
        services.AddSingleton<TokenCredential>(new FakeTokenCredential());
        services.AddSingleton<HttpPipelineTransport>(new HttpClientTransport(new HttpClient()));
        services.AddKeyProvider(Section(("Provider", "AzureKeyVault"), ("AzureKeyVault:VaultUri", "https://myhsm.managedhsm.azure.net/"),
            ("AzureKeyVault:ManagedHsm", "true")));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<AzureKeyVaultOptions>();
        Assert.Equal(("7.4", true, "https://managedhsm.azure.net/.default"), (options.ApiVersion, options.ManagedHsm, options.Scope));
        Assert.Equal("AzureManagedHsm", Assert.IsType<AzureKeyVaultKeyProvider>(provider.GetRequiredService<IKeyProvider>()).ProviderName);
    }

    [Fact]
    public void Azure_provider_requires_a_vault_uri()
    {
        var error = Assert.Throws<KeyProviderException>(() => Services().AddKeyProvider(Section(("Provider", "AzureKeyVault"))));
        Assert.Contains("AzureKeyVault:VaultUri", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Software_provider_requires_a_key_directory()
    {
        var error = Assert.Throws<KeyProviderException>(() => Services().AddKeyProvider(Section(("Provider", "Software"))));
        Assert.Contains("Software:KeyDirectory", error.Message, StringComparison.Ordinal);
    }
}
