using System.Net;
using System.Text.RegularExpressions;
using Platform.Identity.Accounts;
using Platform.Identity.Testing;

namespace Platform.Identity.Tests;

/// <summary>Registration with e-mail confirmation, clinician activation by an admin.</summary>
public sealed partial class AccountLifecycleTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    private IdentityServer Server => fixture.Server;

    [Fact]
    public async Task A_registered_patient_signs_in_only_after_confirming_the_emailed_link()
    {
        using var session = new FormSession(Server.BaseAddress);
        var email = $"new-{Guid.NewGuid():N}@test.local";
        const string password = "a long enough passphrase";
        using var registered = await session.SubmitAsync("/account/register", new Dictionary<string, string>
        {
            ["DisplayName"] = "New Patient",
            ["Email"] = email,
            ["Password"] = password,
            ["AccountType"] = "patient",
        });
        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        Assert.Contains("id=\"registered\"", await registered.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var login = new Dictionary<string, string> { ["Email"] = email, ["Password"] = password };
        using (var early = await session.SubmitAsync("/account/login", login))
        {
            Assert.Equal(HttpStatusCode.BadRequest, early.StatusCode);
            Assert.Contains("Confirm your e-mail address", await early.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var outbox = Path.Combine(Server.Service.DataDirectory, "outbox", "identity");
        var message = Directory.GetFiles(outbox, "*.eml").Select(File.ReadAllText).Single(text => text.Contains($"To: {email}", StringComparison.Ordinal));
        var link = new Uri(ConfirmationLink().Match(message).Value);
        using (var tampered = await session.GetAsync(link.PathAndQuery[..^3] + "xyz"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, tampered.StatusCode);
        }
        using (var confirmed = await session.GetAsync(link.PathAndQuery))
        {
            Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
            Assert.Contains("id=\"confirmed\"", await confirmed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using var signedIn = await session.SubmitAsync("/account/login", login);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
    }

    [Theory]
    [InlineData("short", "patient", null, "at least 12")]
    [InlineData("a long enough passphrase", "clinician", null, "licence")]
    [InlineData("a long enough passphrase", "admin", null, "AccountType")]
    public async Task Registration_refuses_bad_input(string password, string accountType, string? licence, string mentions)
    {
        using var session = new FormSession(Server.BaseAddress);
        var fields = new Dictionary<string, string>
        {
            ["DisplayName"] = "Someone",
            ["Email"] = $"bad-{Guid.NewGuid():N}@test.local",
            ["Password"] = password,
            ["AccountType"] = accountType,
        };
        if (licence is not null)
        {
            fields["LicenceNumber"] = licence;
        }
        using var response = await session.SubmitAsync("/account/register", fields);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(mentions, await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task An_admin_activates_a_clinician_who_then_gets_tokens()
    {
        var clinician = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Clinician, activated: false);
        var admin = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Admin);
        using var adminSession = new FormSession(Server.BaseAddress);
        var adminToken = (await new CodeFlow(adminSession).SignInThroughPortalAsync(admin, "openid identity.admin")).GetProperty("access_token").GetString()!;

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/admin/users/{clinician.Id}/activate-clinician");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", adminToken);
        using var activated = await adminSession.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, activated.StatusCode);

        using var session = new FormSession(Server.BaseAddress);
        var tokens = await new CodeFlow(session).SignInThroughPortalAsync(clinician);
        Assert.Contains("clinician", Jwt.Strings(Jwt.Payload(tokens.GetProperty("access_token").GetString()!), "role"));

        using var again = new HttpRequestMessage(HttpMethod.Post, $"/admin/users/{admin.Id}/activate-clinician");
        again.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", adminToken);
        using var notClinician = await adminSession.Http.SendAsync(again);
        Assert.Equal(HttpStatusCode.Conflict, notClinician.StatusCode);
    }

    [GeneratedRegex(@"http://[^\s]+/account/confirm-email\?[^\s]+")]
    private static partial Regex ConfirmationLink();
}
