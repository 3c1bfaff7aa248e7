using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Crypto;

namespace Platform.Ledger.Cli;

/// <summary>
/// A replica's checkpoint key in its institution's key provider, reached the way the replica reaches it: the
/// <c>Keys</c> settings (<c>Keys__Provider</c>, <c>Keys__Pkcs11__…</c>, <c>Keys__Software__…</c>,
/// <c>Keys__AzureKeyVault__…</c> environment variables) and the key named after the replica.
/// </summary>
internal static class InstitutionKeys
{
    /// <summary>Runs <paramref name="use"/> with the replica's signing key (created by providers that can, as the replica would).</summary>
    /// <param name="keySettings">The <c>Keys</c> section; the environment's when null.</param>
    public static async Task<T> WithSigningKeyAsync<T>(string replica, IConfiguration? keySettings, Func<ISigningKey, Task<T>> use)
    {
        var services = new ServiceCollection().AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddKeyProvider(keySettings ?? new ConfigurationBuilder().AddEnvironmentVariables().Build().GetSection("Keys"));
        await using var provider = services.BuildServiceProvider();
        var key = await provider.GetRequiredService<IKeyProvider>().GetSigningKeyAsync(replica, CancellationToken.None).ConfigureAwait(false);
        return await use(key).ConfigureAwait(false);
    }
}
