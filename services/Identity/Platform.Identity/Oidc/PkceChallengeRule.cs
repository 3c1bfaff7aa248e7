using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Platform.Identity.Oidc;

/// <summary>
/// RFC 7636 section 4.2: <c>code_challenge = 43*128unreserved</c>. OpenIddict checks the method but not the shape, so a
/// 3-character challenge was accepted; a short challenge is guessable and proves nothing. Checked at the authorization
/// endpoint and at PAR, and answered in OAuth's own error format (<c>invalid_request</c>).
/// </summary>
public static class PkceChallengeRule
{
    public const int MinLength = 43;
    public const int MaxLength = 128;

    public static bool IsWellFormed(string challenge) =>
        challenge.Length is >= MinLength and <= MaxLength
        && challenge.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~');

    public static OpenIddictServerBuilder AddPkceChallengeRule(this OpenIddictServerBuilder server)
    {
        server.AddEventHandler<OpenIddictServerEvents.ValidateAuthorizationRequestContext>(handler => handler.UseInlineHandler(context =>
        {
            Check(context.Request.CodeChallenge, context);
            return default;
        }));
        server.AddEventHandler<OpenIddictServerEvents.ValidatePushedAuthorizationRequestContext>(handler => handler.UseInlineHandler(context =>
        {
            Check(context.Request.CodeChallenge, context);
            return default;
        }));
        return server;
    }

    private static void Check(string? challenge, OpenIddictServerEvents.BaseValidatingContext context)
    {
        if (challenge is not null && !IsWellFormed(challenge))
        {
            context.Reject(Errors.InvalidRequest,
                $"The code_challenge parameter must be {MinLength} to {MaxLength} characters of A-Z a-z 0-9 - . _ ~ (RFC 7636).");
        }
    }
}
