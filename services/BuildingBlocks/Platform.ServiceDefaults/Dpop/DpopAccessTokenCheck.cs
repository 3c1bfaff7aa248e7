using System.Text.Json;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.ServiceDefaults.Dpop;

/// <summary>
/// DPoP at the resource services (RFC 9449 §7): a token bound to a key (<c>cnf.jkt</c>) is accepted only as
/// <c>Authorization: DPoP &lt;token&gt;</c> with a fresh proof by that key for this method and URL, carrying the
/// token's hash (<c>ath</c>) and a <c>jti</c> not seen before; a bound token sent as Bearer, or an unbound one sent as
/// DPoP, is refused. Refusals answer 401 with <c>WWW-Authenticate: DPoP error="invalid_dpop_proof"</c> (or
/// <c>invalid_token</c>) and the accepted algorithms. Runs inside JwtBearer's events, after signature, issuer,
/// audience, lifetime and the revocation check.
/// </summary>
public static class DpopAccessTokenCheck
{
    private const string SchemeItem = "platform.dpop.scheme";
    private const string ConfirmationClaim = "cnf";

    /// <summary>Adds the DPoP steps around <paramref name="inner"/> (the revocation check).</summary>
    public static JwtBearerEvents Around(JwtBearerEvents inner) => new()
    {
        OnMessageReceived = context =>
        {
            var authorization = context.Request.Headers.Authorization.ToString();
            if (authorization.StartsWith(DpopProofValidator.Scheme + " ", StringComparison.OrdinalIgnoreCase))
            {
                context.Token = authorization[(DpopProofValidator.Scheme.Length + 1)..].Trim();
                context.HttpContext.Items[SchemeItem] = DpopProofValidator.Scheme;
            }
            return inner.MessageReceived(context);
        },
        OnTokenValidated = async context =>
        {
            await inner.TokenValidated(context);
            if (context.Result is { Failure: not null })
            {
                return;
            }
            var presentedAsDpop = context.HttpContext.Items.ContainsKey(SchemeItem);
            var jkt = ThumbprintOf(context.Principal?.FindFirst(ConfirmationClaim)?.Value);
            if (jkt is null)
            {
                if (presentedAsDpop)
                {
                    context.Fail(new DpopRefusedException("invalid_token", "This access token is not bound to a DPoP key."));
                }
                return;
            }
            if (!presentedAsDpop)
            {
                context.Fail(new DpopRefusedException("invalid_token", "This access token is bound to a DPoP key: present it with the DPoP scheme and a proof."));
                return;
            }
            var request = context.Request;
            var url = new Uri(UriHelper.BuildAbsolute(request.Scheme, request.Host, request.PathBase, request.Path));
            var validator = context.HttpContext.RequestServices.GetRequiredService<DpopProofValidator>();
            var token = request.Headers.Authorization.ToString()[(DpopProofValidator.Scheme.Length + 1)..].Trim();
            var proof = await validator.ValidateAsync([.. request.Headers[DpopProofValidator.HeaderName]], request.Method, url, token,
                nonceIsValid: null, context.HttpContext.RequestAborted);
            if (!proof.IsValid)
            {
                context.Fail(new DpopRefusedException(proof.Error!, proof.Description!));
            }
            else if (!string.Equals(proof.Thumbprint, jkt, StringComparison.Ordinal))
            {
                context.Fail(new DpopRefusedException(DpopProofResult.InvalidProof, "The DPoP proof is signed by another key than the one the token is bound to."));
            }
        },
        OnChallenge = async context =>
        {
            await inner.Challenge(context);
            var presentedAsDpop = context.HttpContext.Items.ContainsKey(SchemeItem);
            if (context.AuthenticateFailure is not DpopRefusedException refused && !presentedAsDpop)
            {
                return;
            }
            // The DPoP scheme's own challenge (RFC 9449 §7.1), with the algorithms a proof may use.
            context.HandleResponse();
            var error = (context.AuthenticateFailure as DpopRefusedException)?.Error ?? context.Error ?? "invalid_token";
            var description = (context.AuthenticateFailure as DpopRefusedException)?.Message ?? context.ErrorDescription ?? "The access token is not valid.";
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate =
                $"DPoP error=\"{error}\", error_description=\"{description.Replace('"', '\'')}\", algs=\"{string.Join(' ', DpopProofValidator.Algorithms)}\"";
        },
        OnForbidden = inner.OnForbidden,
        OnAuthenticationFailed = inner.OnAuthenticationFailed,
    };

    /// <summary><c>cnf.jkt</c> of the token (RFC 9449 §6.1), or null when the token is not bound.</summary>
    private static string? ThumbprintOf(string? confirmation)
    {
        if (string.IsNullOrEmpty(confirmation))
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(confirmation);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("jkt", out var jkt)
                && jkt.ValueKind == JsonValueKind.String ? jkt.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>Why a DPoP-bound request was refused; <see cref="Error"/> is the RFC 9449 error code for the challenge.</summary>
public sealed class DpopRefusedException(string error, string description) : Exception(description)
{
    public string Error { get; } = error;
}
