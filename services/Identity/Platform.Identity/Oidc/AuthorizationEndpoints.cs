using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using Platform.Identity.Accounts;
using Platform.Identity.Sessions;
using Platform.Identity.Smart;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Platform.Identity.Oidc;

/// <summary>
/// The passthrough handlers behind OpenIddict's authorization, token, userinfo and end-session endpoints:
/// OpenIddict has already validated the protocol request; these decide who the user is and what they get.
/// </summary>
public static class AuthorizationEndpoints
{
    public const string AcceptField = "submit.accept";
    public const string DenyField = "submit.deny";

    public static IEndpointRouteBuilder MapAuthorizationEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapMethods(OidcServerSetup.AuthorizePath, [HttpMethods.Get, HttpMethods.Post], AuthorizeAsync).ExcludeFromDescription();
        app.MapPost(OidcServerSetup.TokenPath, (Delegate)ExchangeAsync).ExcludeFromDescription();
        app.MapMethods(OidcServerSetup.UserInfoPath, [HttpMethods.Get, HttpMethods.Post], UserInfoAsync).ExcludeFromDescription();
        app.MapMethods(OidcServerSetup.EndSessionPath, [HttpMethods.Get, HttpMethods.Post], EndSessionAsync).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> AuthorizeAsync(
        HttpContext context,
        UserManager<PlatformUser> users,
        SignInManager<PlatformUser> signIn,
        AccountGate gate,
        TokenClaims tokenClaims,
        IOpenIddictApplicationManager applications,
        IOpenIddictAuthorizationManager authorizations,
        IOpenIddictScopeManager scopes,
        IAntiforgery antiforgery,
        SessionAuthorizations sessionAuthorizations,
        SmartLaunch smartLaunch,
        TimeProvider time)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        var returnUrl = ReturnUrl(context, request);
        // OpenID4VCI (on with KYC): authorization_details must name a credential this issuer has, before anyone signs in.
        if (context.RequestServices.GetService<Vci.CredentialOffers>() is not null
            && Vci.CredentialAuthorizationDetails.Parse((string?)request[Vci.CredentialAuthorizationDetails.Parameter]).Error is { } detailsError)
        {
            return Forbid(Vci.CredentialAuthorizationDetails.InvalidAuthorizationDetails, detailsError);
        }

        var session = await context.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        var authenticatedAt = session.Properties?.IssuedUtc;
        var tooOld = request.MaxAge is { } maxAge && authenticatedAt is { } at && time.GetUtcNow() - at > TimeSpan.FromSeconds(maxAge);
        if (!session.Succeeded || tooOld || request.HasPromptValue(PromptValues.Login))
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return Forbid(Errors.LoginRequired, "The user is not signed in.");
            }
            if (session.Succeeded)
            {
                await signIn.SignOutAsync();
            }
            // Come back without prompt=login, or the fresh sign-in would be asked for again and again.
            return Results.Redirect("/account/login?returnUrl=" + Uri.EscapeDataString(ReturnUrl(context, request, withoutPromptLogin: true)));
        }

        var user = await users.GetUserAsync(session.Principal!);
        if (user is null || session.Principal!.FindFirstValue("AspNet.Identity.SecurityStamp") is { } stamp && stamp != user.SecurityStamp)
        {
            await signIn.SignOutAsync();
            return Results.Redirect("/account/login?returnUrl=" + Uri.EscapeDataString(returnUrl));
        }
        var multiFactor = session.Principal!.HasClaim("amr", "mfa");
        switch (await gate.CheckAsync(user, request.GetScopes()))
        {
            case AccountGateResult.LockedOut:
                return Forbid(Errors.AccessDenied, "The account is locked.");
            case AccountGateResult.EmailNotConfirmed:
                return Forbid(Errors.AccessDenied, "The e-mail address is not confirmed.");
            case AccountGateResult.ClinicianNotActivated:
                return Forbid(Errors.AccessDenied, "The clinician account has not been activated by an administrator yet.");
            case AccountGateResult.SecondFactorNotEnrolled:
                return Results.Redirect("/account/totp?returnUrl=" + Uri.EscapeDataString(returnUrl));
        }
        if (!multiFactor && await gate.RequiresSecondFactorAsync(user))
        {
            // Enrolled, but this session came from a password alone: sign in again through the TOTP challenge.
            await signIn.SignOutAsync();
            return Results.Redirect("/account/login?returnUrl=" + Uri.EscapeDataString(returnUrl));
        }

        var application = await applications.FindByClientIdAsync(request.ClientId!) ?? throw new InvalidOperationException("Unknown client.");
        var applicationId = await applications.GetIdAsync(application);
        var requestedScopes = request.GetScopes();
        var existing = new List<object>();
        await foreach (var authorization in authorizations.FindAsync(user.Id, applicationId, Statuses.Valid, AuthorizationTypes.Permanent, requestedScopes))
        {
            existing.Add(authorization);
        }

        var consentGiven = false;
        if (HttpMethods.IsPost(context.Request.Method) && context.Request.HasFormContentType)
        {
            var form = await context.Request.ReadFormAsync();
            if (form.ContainsKey(AcceptField) || form.ContainsKey(DenyField))
            {
                // The consent screen posts here; make sure it was our page that did.
                if (!await antiforgery.IsRequestValidAsync(context))
                {
                    return Forbid(Errors.AccessDenied, "The consent form was not valid; start the sign-in again.");
                }
                if (form.ContainsKey(DenyField))
                {
                    return Forbid(Errors.AccessDenied, "The user refused the requested access.");
                }
                consentGiven = true;
            }
        }

        // SMART launch context before consent: the consent page then carries the chosen patient on with the request.
        var launch = await smartLaunch.DecideAsync(context, request, user, context.RequestAborted);
        if (launch.Refusal is { } refusal)
        {
            return Forbid(Errors.AccessDenied, refusal);
        }
        if (launch.NeedsPicker)
        {
            return request.HasPromptValue(PromptValues.None)
                ? Forbid(Errors.InteractionRequired, "The user must choose a patient.")
                : Results.Redirect(SmartLaunch.PickerPath + "?returnUrl=" + Uri.EscapeDataString(returnUrl));
        }

        var consentType = await applications.GetConsentTypeAsync(application);
        var needsConsent = consentType == ConsentTypes.Explicit && (existing.Count == 0 || request.HasPromptValue(PromptValues.Consent)) && !consentGiven;
        if (needsConsent)
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return Forbid(Errors.ConsentRequired, "The user has not consented to this client.");
            }
            return Results.Redirect("/connect/consent?returnUrl=" + Uri.EscapeDataString(returnUrl));
        }

        var sessionId = SignInSessions.IdOf(session.Properties);
        var identity = await tokenClaims.ForUserAsync(user, requestedScopes, multiFactor, authenticatedAt,
            sessionId is null ? null : Logout.SessionIdentifier.Of(sessionId));
        identity.SetResources(await ListAsync(scopes.ListResourcesAsync(identity.GetScopes())));
        await smartLaunch.ApplyAsync(identity, user, launch.Patient);
        if (context.RequestServices.GetService<Vci.CredentialOffers>() is { } offers)
        {
            // issuer_state from a credential offer (OpenID4VCI §5.1.3): only ours, and only for the account it was made for.
            if ((string?)request[Vci.CredentialAuthorizationDetails.IssuerStateParameter] is { } issuerState && offers.OwnerOfIssuerState(issuerState) != user.Id)
            {
                return Forbid(Errors.AccessDenied, "This credential offer was not made for the signed-in account, or it has expired.");
            }
            // OpenID4VCI (on with KYC): authorization_details, already checked, name the credential to issue.
            Vci.CredentialAuthorizationDetails.Grant(request, identity);
        }
        if (consentGiven && existing.Count == 0)
        {
            // The permanent authorization only records the user's consent to this client; no token hangs off it.
            await authorizations.CreateAsync(identity, user.Id, applicationId!, AuthorizationTypes.Permanent, identity.GetScopes());
        }
        // Each flow gets its own authorization, so OpenIddict's reuse detection (a replayed code, a reused refresh
        // token) revokes this flow's chain and not every session the user has on the client.
        identity.SetAuthorizationId(await sessionAuthorizations.CreateForFlowAsync(
            identity, user.Id, applicationId!, sessionId, context.RequestAborted));
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    // The account services are resolved only for the grants that need them (issue 18): a UserManager costs a meter
    // from the shared meter factory (a lock) on every construction, and client_credentials has no user. A client
    // authenticated from its snapshot (ClientSnapshotAuthentication) is named from it, with its access token
    // lifetime set here as OpenIddict would have found it, so no application manager is built for the request.
    private static async Task<IResult> ExchangeAsync(HttpContext context)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        if (request.GrantType == Vci.PreAuthorizedCodeGrant.GrantType)
        {
            return await Vci.PreAuthorizedCodeGrant.ExchangeAsync(context, request);
        }
        if (request.IsClientCredentialsGrantType())
        {
            var identity = new ClaimsIdentity(authenticationType: "platform", nameType: Claims.Name, roleType: Claims.Role);
            var transaction = context.Features.Get<OpenIddictServerAspNetCoreFeature>()?.Transaction;
            string? name;
            if (transaction is not null && VerifyClientFromSnapshot.Of(transaction, request.ClientId) is { } snapshot)
            {
                name = snapshot.DisplayName;
                if ((snapshot.AccessTokenLifetime ?? transaction.Options.AccessTokenLifetime) is { } lifetime)
                {
                    identity.SetAccessTokenLifetime(lifetime);
                }
            }
            else
            {
                var applications = context.RequestServices.GetRequiredService<IOpenIddictApplicationManager>();
                var application = await applications.FindByClientIdAsync(request.ClientId!) ?? throw new InvalidOperationException("Unknown client.");
                name = await applications.GetDisplayNameAsync(application);
            }
            identity.SetClaim(Claims.Subject, request.ClientId).SetClaim(Claims.Name, name);
            identity.SetScopes(request.GetScopes());
            var scopes = context.RequestServices.GetRequiredService<IOpenIddictScopeManager>();
            identity.SetResources(await ListAsync(scopes.ListResourcesAsync(identity.GetScopes())));
            AccessTokenOnlyDestination.MarkAll(identity);
            return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
        {
            var users = context.RequestServices.GetRequiredService<UserManager<PlatformUser>>();
            var gate = context.RequestServices.GetRequiredService<AccountGate>();
            var tokenClaims = context.RequestServices.GetRequiredService<TokenClaims>();
            var result = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            var previous = result.Principal ?? throw new InvalidOperationException("The grant was validated but carries no principal.");
            var user = await users.FindByIdAsync(previous.GetClaim(Claims.Subject) ?? "");
            if (user is null || await gate.CheckAsync(user, previous.GetScopes()) != AccountGateResult.Allowed)
            {
                return Forbid(Errors.InvalidGrant, "The account can no longer receive tokens.");
            }
            // Refresh the claims from the account (roles may have changed) but keep how the user authenticated.
            var multiFactor = previous.GetClaims(Claims.AuthenticationMethodReference).Contains("mfa");
            DateTimeOffset? authTime = long.TryParse(previous.GetClaim(Claims.AuthenticationTime), out var seconds)
                ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
            // The session id the code was issued in stays with every refresh, so later ID tokens carry the same sid.
            var identity = await tokenClaims.ForUserAsync(user, previous.GetScopes(), multiFactor, authTime, previous.GetClaim(Logout.SessionIdentifier.Claim));
            identity.SetResources(previous.GetResources());
            identity.SetAuthorizationId(previous.GetAuthorizationId());
            Vci.CredentialAuthorizationDetails.CarryOver(previous, identity);
            var properties = SmartLaunch.CarryOver(previous, identity);
            return Results.SignIn(new ClaimsPrincipal(identity), properties, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        return Forbid(Errors.UnsupportedGrantType, "This grant type is not supported.");
    }

    private static async Task<IResult> UserInfoAsync(HttpContext context, UserManager<PlatformUser> users)
    {
        var result = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        var principal = result.Principal;
        var user = principal is null ? null : await users.FindByIdAsync(principal.GetClaim(Claims.Subject) ?? "");
        if (principal is null || user is null)
        {
            return Results.Challenge(
                new AuthenticationProperties(new Dictionary<string, string?>
                {
                    [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.InvalidToken,
                    [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The access token does not belong to an existing account.",
                }),
                [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }
        var claims = new Dictionary<string, object?>(StringComparer.Ordinal) { [Claims.Subject] = user.Id };
        if (principal.HasScope(Scopes.Profile))
        {
            claims[Claims.Name] = user.DisplayName ?? user.UserName;
        }
        if (principal.HasScope(Scopes.Email))
        {
            claims[Claims.Email] = user.Email;
            claims[Claims.EmailVerified] = user.EmailConfirmed;
        }
        if (principal.HasScope(Scopes.Roles))
        {
            claims[Claims.Role] = await users.GetRolesAsync(user);
            if (user.LicenceNumber is not null)
            {
                claims[PlatformClaims.Licence] = user.LicenceNumber;
            }
        }
        if (principal.HasScope(OidcScopes.VerifiedClaims) && context.RequestServices.GetService(typeof(Verification.KycService)) is Verification.KycService kyc &&
            await kyc.VerifiedClaimsAsync(user.Id, context.RequestAborted) is { } verified)
        {
            claims[PlatformClaims.VerifiedClaims] = verified;
        }
        return Results.Ok(claims);
    }

    private static async Task<IResult> EndSessionAsync(
        HttpContext context, SignInManager<PlatformUser> signIn, SignInSessions sessions, IAntiforgery antiforgery)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        var current = await context.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        var confirmed = HttpMethods.IsPost(context.Request.Method) && context.Request.HasFormContentType &&
                        (await context.Request.ReadFormAsync()).ContainsKey(AcceptField) && await antiforgery.IsRequestValidAsync(context);
        if (!confirmed)
        {
            // OpenIddict has validated the id_token_hint (signature, issuer, audience); its subject says whose logout
            // the client asked for. Anyone can link a browser here with their own id_token, so only a hint naming the
            // signed-in user ends the session without asking.
            var hinted = string.IsNullOrEmpty(request.IdTokenHint) ? null
                : (await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal?.GetClaim(Claims.Subject);
            var signedIn = current.Succeeded ? signIn.UserManager.GetUserId(current.Principal!) : null;
            if (hinted is null || (signedIn is not null && signedIn != hinted))
            {
                var page = "/account/logout?returnUrl=" + Uri.EscapeDataString(ReturnUrl(context, request));
                return Results.Redirect(hinted is null ? page : page + "&otherAccount=true");
            }
        }
        if (current.Succeeded)
        {
            if (SignInSessions.IdOf(current.Properties) is { } sessionId)
            {
                await sessions.EndAsync(sessionId, SessionEndReasons.Logout, revokeTokens: true, context.RequestAborted);
            }
            await signIn.SignOutAsync();
        }
        return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }

    /// <summary>The same endpoint with the request's parameters as a query string (PAR requests carry only client_id and request_uri).</summary>
    private static string ReturnUrl(HttpContext context, OpenIddictRequest request, bool withoutPromptLogin = false)
    {
        var parameters = new List<KeyValuePair<string, StringValues>>();
        if (request.RequestUri is not null)
        {
            // A pushed request is referenced, not repeated.
            parameters.Add(new(Parameters.ClientId, request.ClientId));
            parameters.Add(new(Parameters.RequestUri, request.RequestUri));
            return context.Request.PathBase + context.Request.Path + QueryString.Create(parameters);
        }
        foreach (var (name, value) in request.GetParameters())
        {
            if (name is AcceptField or DenyField or "__RequestVerificationToken")
            {
                continue;
            }
            if (withoutPromptLogin && name == Parameters.Prompt)
            {
                var rest = string.Join(' ', ((string?)value ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(p => p != PromptValues.Login));
                if (rest.Length > 0)
                {
                    parameters.Add(new(name, rest));
                }
                continue;
            }
            parameters.Add(new(name, (string?[]?)value.GetUnnamedParameters().Select(p => (string?)p).ToArray() is { Length: > 0 } many ? new StringValues(many) : new StringValues((string?)value)));
        }
        return context.Request.PathBase + context.Request.Path + QueryString.Create(parameters);
    }

    private static IResult Forbid(string error, string description) => Results.Forbid(
        new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }),
        [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);

    private static async Task<List<string>> ListAsync(IAsyncEnumerable<string> source)
    {
        var list = new List<string>();
        await foreach (var item in source)
        {
            list.Add(item);
        }
        return list;
    }
}
