using System.Net;
using System.Text.Json;
using Platform.BuildingBlocks.Tests.TestService;
using Platform.Testing;

namespace Platform.BuildingBlocks.Tests.ServiceDefaults;

/// <summary>Readiness follows the real dependencies; liveness does not. Each test stops its own servers.</summary>
public sealed class HealthTests
{
    [Fact]
    public async Task Readiness_reports_a_stopped_database_as_unhealthy_while_liveness_stays_up()
    {
        await using var postgres = new PostgresServer();
        await postgres.InitializeAsync();
        await using var service = await ServiceUnderTest.StartAsync(TestServiceApp.Build, new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:test-service"] = await postgres.CreateDatabaseAsync("health"),
        });
        Assert.Equal("Healthy", await CheckStatusAsync(service, "database", HttpStatusCode.OK));

        await postgres.StopAsync();

        Assert.Equal("Unhealthy", await CheckStatusAsync(service, "database", HttpStatusCode.ServiceUnavailable));
        Assert.Equal(HttpStatusCode.OK, (await service.Client.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task A_stopped_redis_degrades_readiness_without_taking_the_pod_out_of_its_service()
    {
        await using var redis = new RedisServer();
        await redis.InitializeAsync();
        await using var service = await ServiceUnderTest.StartAsync(TestServiceApp.Build, new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = redis.ConnectionString,
        });
        Assert.Equal("Healthy", await CheckStatusAsync(service, "redis", HttpStatusCode.OK));

        await redis.StopAsync();

        // Shared by every pod: unready would empty every Service at once (docs/deploy.md#readiness).
        Assert.Equal("Degraded", await CheckStatusAsync(service, "redis", HttpStatusCode.OK));
        Assert.Equal(HttpStatusCode.OK, (await service.Client.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task The_health_report_names_checks_but_no_connection_details()
    {
        await using var service = await ServiceUnderTest.StartAsync(TestServiceApp.Build);
        var text = await (await service.Client.GetAsync("/health/ready")).Content.ReadAsStringAsync();
        Assert.Contains("\"database\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Data Source", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(service.DataDirectory, text, StringComparison.Ordinal);
    }

    private static async Task<string?> CheckStatusAsync(ServiceUnderTest service, string check, HttpStatusCode expected)
    {
        var response = await service.Client.GetAsync("/health/ready");
        Assert.Equal(expected, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement
            .GetProperty("checks").GetProperty(check).GetProperty("status").GetString();
    }
}
