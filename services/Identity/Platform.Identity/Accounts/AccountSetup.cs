using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Platform.Identity.Data;
using Platform.Identity.Sessions;

namespace Platform.Identity.Accounts;

/// <summary>
/// ASP.NET Core Identity for accounts: password rules, lockout, confirmed e-mail, the TOTP provider, the sign-in
/// cookie, and the account message sender (<c>Identity:Messages:*</c>).
/// </summary>
public static class AccountSetup
{
    public const int MaxFailedAttempts = 5;

    /// <summary>How long a sign-in lasts (the cookie does not slide; its session ends with it at the latest).</summary>
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(8);

    public static WebApplicationBuilder AddAccounts(this WebApplicationBuilder builder)
    {
        var lockout = builder.Configuration.GetValue("Identity:Lockout", TimeSpan.FromMinutes(15));
        builder.Services.AddIdentity<PlatformUser, Microsoft.AspNetCore.Identity.IdentityRole>(options =>
            {
                // Length over composition rules (NIST SP 800-63B).
                options.Password.RequiredLength = 12;
                options.Password.RequireDigit = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireNonAlphanumeric = false;
                options.Password.RequiredUniqueChars = 4;
                // Counts wrong second-factor codes only (which needs the password first): wrong passwords never lock
                // an account, since anyone could lock anyone out with them; SignInThrottle slows guessing instead.
                options.Lockout.MaxFailedAccessAttempts = MaxFailedAttempts;
                options.Lockout.DefaultLockoutTimeSpan = lockout;
                options.Lockout.AllowedForNewUsers = true;
                options.User.RequireUniqueEmail = true;
                options.SignIn.RequireConfirmedEmail = true;
                options.Tokens.AuthenticatorTokenProvider = TotpTokenProvider.ProviderName;
            })
            .AddEntityFrameworkStores<IdentityServiceDbContext>()
            .AddTokenProvider<DataProtectorTokenProvider<PlatformUser>>(TokenOptions.DefaultProvider)
            .AddTokenProvider<TotpTokenProvider>(TotpTokenProvider.ProviderName);
        builder.Services.ConfigureApplicationCookie(cookie =>
        {
            cookie.LoginPath = "/account/login";
            cookie.LogoutPath = "/account/logout";
            cookie.AccessDeniedPath = "/account/access-denied";
            cookie.Cookie.Name = "platform.identity";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = Microsoft.AspNetCore.Http.SameSiteMode.Lax;
            cookie.ExpireTimeSpan = SessionLifetime;
            cookie.SlidingExpiration = false;
            // Signing in on the login page makes the cookie handler redirect to ?ReturnUrl= itself, with a weaker
            // check than the pages' own; a value no Location header can carry (U+3000) threw there (a 500).
            cookie.Events.OnRedirectToReturnUrl = context =>
            {
                context.Response.Redirect(ReturnUrls.SafeLocal(context.RedirectUri));
                return Task.CompletedTask;
            };
            // The cookie is only a reference to a server-side session that logout and admins can end.
            SessionCookieEvents.Attach(cookie.Events);
        });
        builder.Services.AddScoped<SignInSessions>();
        builder.Services.AddScoped<SessionAuthorizations>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddOptions<SignInThrottleOptions>().Bind(builder.Configuration.GetSection("Identity:SignInThrottle"))
            .Validate(o => o.FreeFailures >= 0, "Identity:SignInThrottle:FreeFailures must not be negative.")
            .Validate(o => o.FirstDelay > TimeSpan.Zero, "Identity:SignInThrottle:FirstDelay must be positive.")
            .Validate(o => o.MaxDelay >= o.FirstDelay, "Identity:SignInThrottle:MaxDelay must not be shorter than FirstDelay.")
            .Validate(o => o.ForgetAfter > TimeSpan.Zero, "Identity:SignInThrottle:ForgetAfter must be positive.")
            .ValidateOnStart();
        builder.Services.AddSingleton<SignInThrottle>();
        if (Platform.ServiceDefaults.RedisSetup.IsConfigured(builder.Configuration))
        {
            builder.Services.AddSingleton<ISignInAttemptStore, RedisSignInAttemptStore>();
        }
        else
        {
            builder.Services.AddSingleton<ISignInAttemptStore, InMemorySignInAttemptStore>();
        }
        builder.Services.AddSingleton<TotpSecretProtector>();
        builder.Services.AddScoped<AccountGate>();
        builder.Services.AddScoped<Oidc.TokenClaims>();
        builder.Services.AddScoped<AccountEmails>();

        var smtp = builder.Configuration.GetSection("Identity:Messages:Smtp").Get<SmtpMessageOptions>();
        if (smtp is { Host.Length: > 0 })
        {
            builder.Services.AddSingleton<IAccountMessageSender>(new SmtpMessageSender(smtp));
        }
        else
        {
            var directory = builder.Configuration["Identity:Messages:Directory"]
                ?? Path.Combine(Path.GetFullPath(builder.Configuration["Data:Directory"] ?? "data"), "outbox", "identity");
            builder.Services.AddSingleton<IAccountMessageSender>(sp => new DirectoryMessageSender(
                directory, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<DirectoryMessageSender>>()));
        }
        return builder;
    }
}
