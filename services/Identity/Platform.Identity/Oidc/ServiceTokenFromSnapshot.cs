using System.Collections.Immutable;
using System.Text;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Microsoft.Net.Http.Headers;
using Platform.ServiceDefaults.Dpop;
using OpenIddict.Abstractions;
using OpenIddict.EntityFrameworkCore.Models;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Platform.Identity.Oidc;

/// <summary>
/// Answers the plainest client_credentials token request — a confidential client authenticated with HTTP Basic, a
/// <c>grant_type</c> and at most a <c>scope</c>, no DPoP — from the client's <see cref="ClientSnapshot"/>, before
/// OpenIddict extracts the request (issue 18: after the eighth and ninth passes, OpenIddict's dozen events, its
/// principal cloned and filtered for the access token, and the handlers and managers built per request were about
/// half of a service token's cost). It checks what OpenIddict's token endpoint checks for such a request: the grant
/// type enabled, every scope registered, the client confidential and its keyed secret matching, the endpoint, grant
/// type and scope permissions, no DPoP required. The token is OpenIddict's format: the same claims (<c>iss</c>,
/// <c>exp</c>, <c>iat</c>, <c>aud</c>, <c>scope</c>, <c>jti</c>, <c>sub</c>, <c>name</c>, <c>oi_prst</c>,
/// <c>client_id</c>), OpenIddict's own token handler and first signing credentials, no token entry (as
/// <see cref="UnstoredServiceTokens"/>, so revocation by <c>jti</c> applies), and the answer goes through OpenIddict's
/// own <see cref="ApplyTokenResponseContext"/> (status, cache headers, the DPoP nonce, the JSON writer).
/// Anything else — another parameter, a repeated one, a query string, a DPoP header, a client secret in the body, an
/// unknown or unregistered scope, a client or scope set not in the snapshots yet, a wrong secret, a missing
/// permission, token entries switched on — is left to OpenIddict's pipeline unchanged, so every refusal and its error
/// stay OpenIddict's. <c>Identity:ServiceTokensFromSnapshot=false</c> turns this off.
/// </summary>
public sealed class ServiceTokenFromSnapshot(
    ClientSnapshots clients,
    ClientSecretKey secretKey,
    SharedEntitySnapshots<OpenIddictEntityFrameworkCoreScope> scopes) : IOpenIddictServerHandler<ProcessRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } = OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessRequestContext>()
        .AddFilter<OpenIddictServerAspNetCoreHandlerFilters.RequireHttpRequest>()
        .UseSingletonHandler<ServiceTokenFromSnapshot>()
        // After the endpoint is known and the transport and host checked; before OpenIddict extracts the token request.
        .SetOrder(OpenIddictServerHandlers.Exchange.ExtractTokenRequest.Descriptor.Order - 1)
        .SetType(OpenIddictServerHandlerType.Custom)
        .Build();

    public async ValueTask HandleAsync(ProcessRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.EndpointType is not OpenIddictServerEndpointType.Token || context.Options.EnableDegradedMode
            || !context.Options.GrantTypes.Contains(GrantTypes.ClientCredentials)
            || context.Transaction.GetHttpRequest() is not { } request
            || !HttpMethods.IsPost(request.Method) || request.QueryString.HasValue || !IsUrlEncodedForm(request.ContentType)
            || request.Headers.ContainsKey(DpopProofValidator.HeaderName)
            || !TryReadBasicCredentials(request.Headers.Authorization, out var clientId, out var clientSecret))
        {
            return;
        }
        var form = await request.ReadFormAsync(context.CancellationToken);
        if (!IsPlainClientCredentialsForm(form, out var requestedScopes)
            || !requestedScopes.All(scope => scope is not (Scopes.OpenId or Scopes.OfflineAccess) && context.Options.Scopes.Contains(scope))
            || await clients.FindAsync(clientId, context.CancellationToken) is not
                { IsConfidential: true, KeyedSecretHash: { } hash, RequiresDpop: false } client
            || !KeyedClientSecretApplicationManager.Matches(secretKey, clientSecret, hash)
            || !VerifyTokenPermissionsFromSnapshot.Grants(client, requestedScopes, [], [])
            || (client.AccessTokenLifetime ?? context.Options.AccessTokenLifetime) is not { } lifetime
            || !scopes.TryFindDerived<ImmutableArray<string>>(AudienceCachingScopeManager.ResourcesKey(requestedScopes), out var audiences))
        {
            return;
        }

        var issuer = (context.Options.Issuer ?? context.BaseUri)?.AbsoluteUri
            ?? throw new InvalidOperationException("The issuer of the token cannot be determined.");
        var now = context.Options.TimeProvider.GetUtcNow();
        var expires = now + lifetime;
        context.Transaction.Request = new OpenIddictRequest(form);
        context.Transaction.Response = new OpenIddictResponse
        {
            AccessToken = context.Options.JsonWebTokenHandler.CreateToken(new SecurityTokenDescriptor
            {
                Issuer = issuer,
                IssuedAt = now.UtcDateTime,
                Expires = expires.UtcDateTime,
                TokenType = JsonWebTokenTypes.AccessToken,
                SigningCredentials = context.Options.SigningCredentials[0],
                Claims = Claims(client, requestedScopes, audiences),
            }),
            TokenType = TokenTypes.Bearer,
            ExpiresIn = (long)(expires - context.Options.TimeProvider.GetUtcNow()).TotalSeconds,
        };

        var answer = new ApplyTokenResponseContext(context.Transaction);
        await request.HttpContext.RequestServices.GetRequiredService<IOpenIddictServerDispatcher>().DispatchAsync(answer);
        if (answer.IsRequestHandled)
        {
            context.HandleRequest();
        }
        else if (answer.IsRequestSkipped)
        {
            context.SkipRequest();
        }
        else
        {
            throw new InvalidOperationException("The token response was not written.");
        }
    }

    /// <summary>The access token's claims as OpenIddict writes them for a client_credentials token of this platform.</summary>
    private static Dictionary<string, object> Claims(ClientSnapshot client, IReadOnlyList<string> requestedScopes, ImmutableArray<string> audiences)
    {
        var claims = new Dictionary<string, object>(StringComparer.Ordinal);
        if (audiences.Length > 0)
        {
            claims[OpenIddictConstants.Claims.Audience] = audiences.Length == 1 ? audiences[0] : audiences.ToArray();
        }
        if (requestedScopes.Count > 0)
        {
            claims[OpenIddictConstants.Claims.Scope] = string.Join(' ', requestedScopes);
        }
        claims[OpenIddictConstants.Claims.JwtId] = Guid.NewGuid().ToString();
        claims[OpenIddictConstants.Claims.Subject] = client.ClientId;
        if (client.DisplayName is { Length: > 0 } name)
        {
            claims[OpenIddictConstants.Claims.Name] = name;
        }
        claims[OpenIddictConstants.Claims.Private.Presenter] = client.ClientId;
        claims[OpenIddictConstants.Claims.ClientId] = client.ClientId;
        return claims;
    }

    private static bool IsUrlEncodedForm(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && media.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);

    /// <summary>Only <c>grant_type=client_credentials</c> and an optional <c>scope</c>, each once; the scopes as OpenIddict splits them.</summary>
    private static bool IsPlainClientCredentialsForm(IFormCollection form, out IReadOnlyList<string> requestedScopes)
    {
        requestedScopes = [];
        foreach (var (name, values) in form)
        {
            if (values.Count != 1 || name is not (Parameters.GrantType or Parameters.Scope))
            {
                return false;
            }
        }
        if (form[Parameters.GrantType] != GrantTypes.ClientCredentials)
        {
            return false;
        }
        if (form[Parameters.Scope].ToString() is { Length: > 0 } scope)
        {
            requestedScopes = scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToArray();
        }
        return true;
    }

    /// <summary>
    /// HTTP Basic client credentials read as OpenIddict's ASP.NET Core host reads them (RFC 6749 §2.3.1: ASCII base64 of
    /// the form-urlencoded id and secret joined by a colon); anything it would refuse or treat differently is declined.
    /// </summary>
    public static bool TryReadBasicCredentials(Microsoft.Extensions.Primitives.StringValues header, out string clientId, out string clientSecret)
    {
        clientId = clientSecret = "";
        if (header.Count != 1 || header[0] is not { } value || !value.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        string decoded;
        try
        {
            decoded = Encoding.ASCII.GetString(Convert.FromBase64String(value["Basic ".Length..].Trim()));
        }
        catch (FormatException)
        {
            return false;
        }
        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == decoded.Length - 1)
        {
            return false;
        }
        try
        {
            clientId = Uri.UnescapeDataString(decoded[..colon].Replace("+", "%20", StringComparison.Ordinal));
            clientSecret = Uri.UnescapeDataString(decoded[(colon + 1)..].Replace("+", "%20", StringComparison.Ordinal));
        }
        catch (UriFormatException)
        {
            return false;
        }
        return clientId.Length > 0 && clientSecret.Length > 0;
    }
}
