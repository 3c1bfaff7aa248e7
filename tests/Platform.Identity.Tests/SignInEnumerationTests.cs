using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Platform.Identity.Accounts;
using Platform.Identity.Pages.Account;
using Platform.Identity.Testing;
using Platform.Identity.Text;

namespace Platform.Identity.Tests;

/// <summary>
/// Issue 17, finding 6: the sign-in and registration pages answer alike for accounts that exist and accounts that do
/// not, and wrong passwords slow their source down instead of locking the account for everyone.
/// </summary>
public sealed class SignInEnumerationTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    private IdentityServer Server => fixture.Server;

    [Fact]
    public async Task Unknown_account_wrong_password_locked_and_unconfirmed_all_read_the_same()
    {
        var patient = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        var unconfirmed = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        var locked = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        using (var scope = Server.Service.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PlatformUser>>();
            var user = (await users.FindByIdAsync(unconfirmed.Id))!;
            user.EmailConfirmed = false;
            await users.UpdateAsync(user);
            await users.SetLockoutEndDateAsync((await users.FindByIdAsync(locked.Id))!, DateTimeOffset.UtcNow.AddMinutes(15));
        }

        var answers = new List<(HttpStatusCode Status, string Error)>();
        foreach (var email in new[] { patient.Email, $"nobody-{Guid.NewGuid():N}@test.local", unconfirmed.Email, locked.Email })
        {
            using var session = new FormSession(Server.BaseAddress);
            answers.Add(await LoginAsync(session, email, "not the password at all"));
        }

        var notSignedIn = IdentityText.Get(LoginModel.NotSignedIn, CultureInfo.GetCultureInfo("en"));
        Assert.All(answers, a => Assert.Equal((HttpStatusCode.BadRequest, notSignedIn), a));
        // The owner of the unconfirmed address, and only they, learn what to do.
        using var owner = new FormSession(Server.BaseAddress);
        var (_, ownerError) = await LoginAsync(owner, unconfirmed.Email, unconfirmed.Password);
        Assert.Contains("Confirm your e-mail address", ownerError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Guessing_slows_the_guessing_source_alike_for_known_and_unknown_accounts_and_never_locks_out_the_owner()
    {
        var patient = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        var unknown = $"nobody-{Guid.NewGuid():N}@test.local";

        var known = await GuessFiveTimesAsync(patient.Email);
        var made = await GuessFiveTimesAsync(unknown);

        // The same sequence for both: three free failures, a fourth that earns a wait, a fifth refused until it passes.
        Assert.Equal(known, made);
        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.TooManyRequests], known);

        // From another address the owner signs in at once: nobody can lock them out.
        using var elsewhere = new FormSession(Server.BaseAddress, IPAddress.Parse("127.0.0.2"));
        using (var signedIn = await elsewhere.SubmitAsync("/account/login", new Dictionary<string, string> { ["Email"] = patient.Email, ["Password"] = patient.Password }))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        }

        // And from the guessing address too, once the (short, growing) wait has passed: a delay, not a lock.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        using var here = new FormSession(Server.BaseAddress);
        using var later = await here.SubmitAsync("/account/login", new Dictionary<string, string> { ["Email"] = patient.Email, ["Password"] = patient.Password });
        Assert.Equal(HttpStatusCode.Redirect, later.StatusCode);
    }

    [Fact]
    public async Task Registering_a_taken_address_answers_like_a_new_one_and_tells_the_owner_by_mail()
    {
        var patient = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        var fresh = $"new-{Guid.NewGuid():N}@test.local";

        var taken = await RegisterAsync(patient.Email);
        var created = await RegisterAsync(fresh);

        Assert.Equal(HttpStatusCode.OK, taken.Status);
        Assert.Equal(created.Status, taken.Status);
        Assert.Equal(MainOf(created.Html), MainOf(taken.Html));
        var outbox = Path.Combine(Server.Service.DataDirectory, "outbox", "identity");
        Assert.Contains(Directory.GetFiles(outbox, "*.eml").Select(File.ReadAllText),
            text => text.Contains($"To: {patient.Email}", StringComparison.Ordinal) && text.Contains("tried to register", StringComparison.Ordinal));
        using var scope = Server.Service.Services.CreateScope();
        Assert.Single(scope.ServiceProvider.GetRequiredService<UserManager<PlatformUser>>().Users, u => u.Email == patient.Email);
    }

    private async Task<List<HttpStatusCode>> GuessFiveTimesAsync(string email)
    {
        using var session = new FormSession(Server.BaseAddress);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            statuses.Add((await LoginAsync(session, email, "guess number " + i)).Status);
        }
        return statuses;
    }

    private static async Task<(HttpStatusCode Status, string Error)> LoginAsync(FormSession session, string email, string password)
    {
        using var response = await session.SubmitAsync("/account/login", new Dictionary<string, string> { ["Email"] = email, ["Password"] = password });
        var html = await response.Content.ReadAsStringAsync();
        var match = System.Text.RegularExpressions.Regex.Match(html, "id=\"login-error\">([^<]*)<");
        return (response.StatusCode, System.Net.WebUtility.HtmlDecode(match.Groups[1].Value));
    }

    private async Task<(HttpStatusCode Status, string Html)> RegisterAsync(string email)
    {
        using var session = new FormSession(Server.BaseAddress);
        using var response = await session.SubmitAsync("/account/register", new Dictionary<string, string>
        {
            ["DisplayName"] = "Someone",
            ["Email"] = email,
            ["Password"] = "a long enough passphrase",
            ["AccountType"] = "patient",
        });
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static string MainOf(string html) =>
        html[html.IndexOf("<main", StringComparison.Ordinal)..html.IndexOf("</main>", StringComparison.Ordinal)];
}
