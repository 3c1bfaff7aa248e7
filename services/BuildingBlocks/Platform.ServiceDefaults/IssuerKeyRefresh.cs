using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Platform.ServiceDefaults;

/// <summary>
/// Refetches the identity service's discovery document and JWKS every <see cref="IssuerKeyRefreshOptions.RefreshEvery"/>,
/// whether or not requests arrive. The identity service publishes a new signing key well before it signs with it
/// (<c>Identity:SigningKeys:PublishAhead</c>, 10 minutes); this keeps every resource service's copy of the keys
/// younger than that, so no token signed with a new key meets a service that does not know the key yet. (The JWT
/// handler's own automatic refresh cannot be set below 5 minutes and runs only when a request comes, in the
/// background, after answering that request with the old keys.)
/// </summary>
public sealed partial class IssuerKeyRefresh(
    IOptionsMonitor<JwtBearerOptions> bearer, IOptions<IssuerKeyRefreshOptions> options, TimeProvider time, ILogger<IssuerKeyRefresh> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.Value.RefreshEvery, time, stoppingToken).ConfigureAwait(false);
                if (bearer.Get(TokenValidationSetup.Scheme).ConfigurationManager is { } keys)
                {
                    // Marks the cached document stale (allowed once per RefreshInterval); the next read fetches it.
                    keys.RequestRefresh();
                    await keys.GetConfigurationAsync(stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The identity service is unreachable: the keys fetched last stay in use.
                LogRefreshFailed(logger, ex.GetType().Name);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refetching the issuer's signing keys failed ({Error}); the keys fetched last stay in use")]
    private static partial void LogRefreshFailed(ILogger logger, string error);
}
