using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Smart;

namespace Platform.Identity.Smart;

/// <summary>
/// SMART App Launch 2.x at the identity service: every offered v2 resource scope, <c>launch/patient</c> and
/// <c>fhirUser</c> registered with OpenIddict (it accepts only scopes it knows), the <c>patient</c> and
/// <c>fhirUser</c> claims, and the launch logic with its consent-service client.
/// </summary>
public static class SmartSetup
{
    public static WebApplicationBuilder AddSmartAppLaunch(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("Identity:Smart");
        builder.Services.AddOptions<SmartOptions>().Bind(section)
            .Validate(o => o.ConsentTimeout > TimeSpan.Zero, "Identity:Smart:ConsentTimeout must be positive.")
            .Validate(o => o.ConsentAttemptTimeout > TimeSpan.Zero && o.ConsentAttemptTimeout <= o.ConsentTimeout,
                "Identity:Smart:ConsentAttemptTimeout must be positive and not longer than Identity:Smart:ConsentTimeout.")
            .ValidateOnStart();
        builder.Services.AddOpenIddict().AddServer(options =>
        {
            options.RegisterScopes([SmartScopes.LaunchPatient, SmartScopes.FhirUser, .. SmartScopes.Offered]);
            options.RegisterClaims([SmartScopes.PatientClaim, SmartScopes.FhirUserClaim]);
        });
        builder.Services.AddScoped<SmartLaunch>();
        builder.Services.AddScoped<ConsentedPatients>();
        // Also read here: the client is composed before the container exists.
        var smart = section.Get<SmartOptions>() ?? new SmartOptions();
        if (smart.ConsentUrl is not null)
        {
            builder.Services.AddServiceClient(ConsentedPatients.HttpClientName, ConsentedPatients.Scope)
                .AddServiceClientResilience(smart.ConsentUrl, smart.ConsentTimeout, smart.ConsentAttemptTimeout);
        }
        else
        {
            builder.Services.AddHttpClient(ConsentedPatients.HttpClientName);
        }
        return builder;
    }
}
