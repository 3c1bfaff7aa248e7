using System.Text.Json;
using OpenIddict.Abstractions;
using OpenIddict.Validation;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Validation.OpenIddictValidationEvents;

namespace Platform.Identity.Oidc;

/// <summary>
/// The identity service's own APIs (KYC, userinfo, the credential endpoint, admin) take bearer tokens only. An access
/// token bound to a DPoP key (<c>cnf.jkt</c>, RFC 9449) is refused there as <c>invalid_token</c> (401): presenting it
/// as a bearer token is what DPoP exists to stop, and OpenIddict's own proof-of-possession check knows only
/// certificate-bound tokens and throws on a key-bound one, which answered 500.
/// </summary>
public sealed class RefuseDpopBoundTokenAsBearer : IOpenIddictValidationHandler<ValidateTokenContext>
{
    public static OpenIddictValidationHandlerDescriptor Descriptor { get; } =
        OpenIddictValidationHandlerDescriptor.CreateBuilder<ValidateTokenContext>()
            .UseSingletonHandler<RefuseDpopBoundTokenAsBearer>()
            .SetOrder(OpenIddictValidationHandlers.Protection.ValidateProofOfPossession.Descriptor.Order - 500)
            .SetType(OpenIddictValidationHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ValidateTokenContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Principal?.GetClaim(Claims.Confirmation) is { Length: > 0 } confirmation && BindsKey(confirmation))
        {
            context.Reject(Errors.InvalidToken, "This access token is bound to a DPoP key; the identity service's own APIs accept bearer tokens only.");
        }
        return default;
    }

    private static bool BindsKey(string confirmation)
    {
        try
        {
            using var document = JsonDocument.Parse(confirmation);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("jkt", out _);
        }
        catch (JsonException)
        {
            return true; // not a confirmation we can read: never accept it as a plain bearer token
        }
    }
}
