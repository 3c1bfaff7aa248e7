using Microsoft.AspNetCore.Builder;

namespace Platform.Hosting;

/// <summary>
/// The one place that refuses to compose a service that signs or wraps with keys when no key provider is configured:
/// without it the service would start and fail on its first signature instead of at start.
/// </summary>
public static class KeyProviderRequirement
{
    public const string ProviderKey = "Keys:Provider";

    /// <param name="usesKeysFor">What the service needs keys for, e.g. "The consent service signs consent events".</param>
    public static void RequireKeyProvider(this WebApplicationBuilder builder, string usesKeysFor)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration[ProviderKey]))
        {
            throw new InvalidOperationException(
                $"{usesKeysFor} with a key from a key provider: set {ProviderKey} (Pkcs11, AzureKeyVault, or Software for development).");
        }
    }
}
