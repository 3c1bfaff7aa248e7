using System.Collections.Concurrent;
using Azure.Core;

namespace Platform.Crypto.Tests.Infrastructure;

/// <summary>Hands out a fixed, recognisable bearer token and remembers the scopes it was asked for.</summary>
public sealed class FakeTokenCredential : TokenCredential
{
    public string Token { get; } = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.fake-access-token-" + Guid.NewGuid().ToString("N");

    public ConcurrentQueue<string> RequestedScopes { get; } = new();

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        foreach (var scope in requestContext.Scopes)
        {
            RequestedScopes.Enqueue(scope);
        }
        return new AccessToken(Token, DateTimeOffset.UtcNow.AddHours(1));
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new(GetToken(requestContext, cancellationToken));
}
