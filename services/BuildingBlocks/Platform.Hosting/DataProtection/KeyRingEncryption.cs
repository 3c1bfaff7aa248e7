using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Platform.Crypto;

namespace Platform.Hosting.DataProtection;

/// <summary>
/// Encrypts the ASP.NET Core Data Protection key ring (the keys behind sign-in cookies, antiforgery tokens and
/// OpenIddict's protected values) at rest with a key-encryption key from the platform's key provider — an HSM over
/// PKCS#11, Azure Key Vault, or the development key files. Without it the ring lies in the folder or in Redis as
/// plain base64 key material that anyone with read access can use to forge cookies.
/// </summary>
/// <remarks>
/// Each service has its own KEK, <c>dataprotection-{service}</c>, so one service's ring cannot be opened with another's
/// key. Keys written before this was switched on stay readable (Data Protection reads an unencrypted key as it is) and
/// age out at their expiry (90 days by default); new keys are written encrypted.
/// </remarks>
public static class KeyRingEncryption
{
    /// <summary>The KEK name for <paramref name="serviceName"/>.</summary>
    public static string KeyNameFor(string serviceName) => "dataprotection-" + serviceName;

    /// <summary>Makes Data Protection encrypt every new key with the KEK <see cref="KeyNameFor"/> of <paramref name="serviceName"/>.</summary>
    public static IServiceCollection AddKeyRingEncryption(this IServiceCollection services, string serviceName)
    {
        ArgumentNullException.ThrowIfNull(services);
        var settings = new KeyRingEncryptionSettings(KeyNameFor(serviceName));
        KeyNames.Validate(settings.KeyName, nameof(serviceName));
        services.AddSingleton(settings);
        services.AddOptions<KeyManagementOptions>().Configure<IServiceProvider>((options, provider) =>
            options.XmlEncryptor = new KeyProviderXmlEncryptor(provider.GetRequiredService<IKeyProvider>(), settings));
        return services;
    }
}

/// <summary>Which KEK protects the key ring (also read by <see cref="KeyProviderXmlDecryptor"/>, which Data Protection creates itself).</summary>
public sealed record KeyRingEncryptionSettings(string KeyName);
