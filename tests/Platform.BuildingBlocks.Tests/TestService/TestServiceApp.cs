using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Platform.Crypto;
using Platform.Hosting;
using Platform.ServiceDefaults;

namespace Platform.BuildingBlocks.Tests.TestService;

/// <summary>A service composed exactly like the real ones, with endpoints that exercise the building blocks.</summary>
public static class TestServiceApp
{
    public static readonly ServiceIdentity Identity = ServiceIdentity.For<TestDbContext>("test-service");

    /// <summary>The scope <c>/scoped</c> requires.</summary>
    public const string ScopedScope = "notes.read";

    public sealed record NoteRequest(string Text);

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder> configureHost) =>
        PlatformService.Build<TestDbContext>(Identity, args, configureHost,
            (builder, events) =>
            {
                TestSchema.ReplaceMigrationStep(builder.Services);
                builder.Services.AddSingleton<HandlerLog>();
                builder.Services.AddSingleton<HandlerGate>();
                builder.Services.AddSingleton<NoteGate>();
                builder.Services.AddAuthentication().AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, TestCallerAuthentication>(
                    TestCallerAuthentication.SchemeName, null);
                builder.Services.AddSingleton<ClaimsTransformationLog>();
                builder.Services.AddTransient<Microsoft.AspNetCore.Authentication.IClaimsTransformation, CountingClaimsTransformation>();
                events.AddSubscription<NoteAddedV1, NoteAddedHandler>()
                      .AddSubscription<ScriptedV1, ScriptedHandler>();
            },
            app =>
            {
                app.MapPost("/notes", (NoteRequest request) => Results.Ok(new { length = request.Text.Length }));
                app.MapGet("/boom", IResult () => throw new InvalidOperationException("secret connection string Password=hunter2"));
                app.MapGet("/keys-down", IResult () => throw new KeyProviderException("PKCS#11 unwrap with KEK 'platform-kek-hunter2' failed 3 times."));
                IdempotentNotes.Map(app);
                app.MapGet("/guarded", () => Results.Ok()).RequireRateLimiting(RateLimitPolicies.Sensitive);
                app.MapGet("/scoped", () => Results.Ok()).RequireAuthorization(policy => policy
                    .AddAuthenticationSchemes(TestCallerAuthentication.SchemeName).RequireAuthenticatedUser().RequireScope(ScopedScope));
            });
}
