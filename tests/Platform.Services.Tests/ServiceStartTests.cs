using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Platform.Consent;
using Platform.Identity;
using Platform.Ledger;
using Platform.RecordVault;
using Platform.Testing;

namespace Platform.Services.Tests;

/// <summary>Each service starts on its own, answers readiness, describes itself, and answers bad routes with problem+json.</summary>
public sealed class ServiceStartTests
{
    public static TheoryData<string> Services => ["identity", "consent", "record-vault", "ledger"];

    internal static Func<string[], Action<WebApplicationBuilder>, WebApplication> BuildFor(string service) => service switch
    {
        "identity" => IdentityService.Build,
        "consent" => ConsentService.Build,
        "record-vault" => RecordVaultService.Build,
        "ledger" => LedgerService.Build,
        _ => throw new ArgumentOutOfRangeException(nameof(service)),
    };

    /// <summary>
    /// Every service signs or wraps with keys from a key provider (checkpoints, tokens, consent events, data keys);
    /// the ledger also needs its own Raft port even alone.
    /// </summary>
    private static Task<ServiceUnderTest> StartAsync(string name) => ServiceUnderTest.StartAsync(BuildFor(name), SettingsFor(name));

    internal static Dictionary<string, string?> SettingsFor(string name) => name switch
    {
        "ledger" => new Dictionary<string, string?>
        {
            ["Keys:Provider"] = "Software",
            ["Ledger:Replicas:0:Name"] = "ledger-0",
            ["Ledger:Replicas:0:RaftEndPoint"] = $"127.0.0.1:{FreePort.Next()}",
        },
        "identity" => new Dictionary<string, string?> { ["Keys:Provider"] = "Software", ["Identity:AllowHttp"] = "true" },
        _ => new Dictionary<string, string?> { ["Keys:Provider"] = "Software" },
    };

    [Theory]
    [MemberData(nameof(Services))]
    public async Task Service_starts_and_is_ready(string name)
    {
        await using var service = await StartAsync(name);

        var ready = await service.Client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var info = JsonDocument.Parse(await service.Client.GetStringAsync("/")).RootElement;
        Assert.Equal(name, info.GetProperty("service").GetString());
        Assert.True(File.Exists(Path.Combine(service.DataDirectory, name + ".db")), "the service keeps its own SQLite file");
    }

    [Theory]
    [MemberData(nameof(Services))]
    public async Task Service_publishes_an_openapi_document(string name)
    {
        await using var service = await StartAsync(name);

        var document = JsonDocument.Parse(await service.Client.GetStringAsync("/openapi/v1.json")).RootElement;
        Assert.StartsWith("3.", document.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        Assert.True(document.GetProperty("paths").TryGetProperty("/", out _));
    }

    [Theory]
    [MemberData(nameof(Services))]
    public async Task Service_answers_an_unknown_route_with_problem_json(string name)
    {
        await using var service = await StartAsync(name);

        var response = await service.Client.PostAsync("/does-not-exist", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
    /// <summary>A required or invalid setting stops the service at start, and the message names the key to fix.</summary>
    [Theory]
    [InlineData("identity", "Identity:AccessTokenLifetime", "00:00:00")]
    [InlineData("identity", "Identity:SigningKeys:PublishAhead", "100.00:00:00")]
    [InlineData("identity", "Identity:SignInThrottle:MaxDelay", "00:00:00.5")]
    [InlineData("consent", "Consent:BreakGlass:PermitsPerWindow", "0")]
    [InlineData("record-vault", "RecordVault:ConsentAttemptTimeout", "00:01:00")]
    [InlineData("record-vault", "RecordVault:DataKeyCacheEntries", "0")]
    [InlineData("ledger", "Ledger:ReplicaName", "ledger-9")]
    public async Task An_invalid_setting_fails_the_start_naming_its_key(string name, string key, string value)
    {
        var settings = SettingsFor(name);
        settings[key] = value;

        var error = await Assert.ThrowsAnyAsync<Exception>(() => ServiceUnderTest.StartAsync(BuildFor(name), settings));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("identity")]
    [InlineData("consent")]
    [InlineData("record-vault")]
    public async Task A_service_that_signs_or_wraps_refuses_to_start_without_a_key_provider(string name)
    {
        var settings = SettingsFor(name);
        settings.Remove("Keys:Provider");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ServiceUnderTest.StartAsync(BuildFor(name), settings));

        Assert.Contains("set Keys:Provider", error.Message, StringComparison.Ordinal);
    }
}
