using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Crypto.AzureKeyVault;
using Platform.Crypto.Pkcs11;
using Platform.Crypto.Software;

namespace Platform.Crypto;

/// <summary>
/// Registers one <see cref="IKeyProvider"/> chosen by the <c>Provider</c> setting of <paramref name="section"/>:
/// <code>
/// "Keys": {
///   "Provider": "Pkcs11",                       // Software | Pkcs11 | AzureKeyVault
///   "Software":      { "KeyDirectory": "data/keys" },
///   "Pkcs11":        { "LibraryPath": "/usr/lib/softhsm/libsofthsm2.so", "TokenLabel": "platform", "UserPin": "(secret)", "KeyLabelPrefix": "platform-" },
///   "AzureKeyVault": { "VaultUri": "https://myvault.vault.azure.net/", "ApiVersion": "7.4", "ManagedHsm": false }
/// }
/// </code>
/// Settings are validated here, so a misconfiguration fails at startup; the HSM or vault itself is contacted on first
/// use and watched by <see cref="KeyProviderHealthCheck"/>, which the caller registers with its own tags.
/// </summary>
public static class KeyProviderSetup
{
    public static IServiceCollection AddKeyProvider(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        var kind = ReadKind(section);
        switch (kind)
        {
            case KeyProviderKind.Software:
                var software = section.GetSection("Software").Get<SoftwareKeyProviderOptions>() ?? new SoftwareKeyProviderOptions();
                if (string.IsNullOrWhiteSpace(software.KeyDirectory))
                {
                    throw new KeyProviderException("The software key provider needs Software:KeyDirectory.");
                }
                services.AddSingleton(software);
                services.AddSingleton<IKeyProvider>(sp =>
                    new SoftwareKeyProvider(software, sp.GetRequiredService<ILogger<SoftwareKeyProvider>>()));
                break;

            case KeyProviderKind.Pkcs11:
                var pkcs11 = section.GetSection("Pkcs11").Get<Pkcs11KeyProviderOptions>() ?? new Pkcs11KeyProviderOptions();
                pkcs11.Validate();
                services.AddSingleton(pkcs11);
                services.AddSingleton<IKeyProvider>(sp =>
                    new Pkcs11KeyProvider(pkcs11, sp.GetRequiredService<ILogger<Pkcs11KeyProvider>>()));
                break;

            case KeyProviderKind.AzureKeyVault:
                var vault = section.GetSection("AzureKeyVault").Get<AzureKeyVaultOptions>() ?? new AzureKeyVaultOptions();
                vault.Validate();
                services.AddSingleton(vault);
                services.AddSingleton<IKeyProvider>(sp => new AzureKeyVaultKeyProvider(
                    vault,
                    // A TokenCredential or transport registered by the host wins (tests, custom identity setups).
                    sp.GetService<TokenCredential>() ?? CreateCredential(vault),
                    sp.GetRequiredService<ILogger<AzureKeyVaultKeyProvider>>(),
                    sp.GetService<HttpPipelineTransport>()));
                break;
        }
        services.AddSingleton<KeyProviderHealthCheck>();
        return services;
    }

    private static KeyProviderKind ReadKind(IConfiguration section)
    {
        var value = section["Provider"];
        if (!Enum.TryParse<KeyProviderKind>(value, ignoreCase: true, out var kind) || !Enum.IsDefined(kind) || int.TryParse(value, out _))
        {
            throw new KeyProviderException(
                $"Key provider setting Provider is '{value}'; use one of {string.Join(", ", Enum.GetNames<KeyProviderKind>())}.");
        }
        return kind;
    }

    private static DefaultAzureCredential CreateCredential(AzureKeyVaultOptions options) =>
        new(new DefaultAzureCredentialOptions
        {
            ManagedIdentityClientId = string.IsNullOrWhiteSpace(options.ManagedIdentityClientId) ? null : options.ManagedIdentityClientId,
        });
}
