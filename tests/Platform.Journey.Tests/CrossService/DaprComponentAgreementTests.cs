using System.Net;
using System.Text;
using System.Text.Json;
using Platform.Journey.Tests.Dapr;
using Platform.Testing;

namespace Platform.Journey.Tests.CrossService;

/// <summary>
/// The components in components/ and what the services actually do over Dapr agree: every CloudEvent published
/// (by app-id, pubsub and topic) is allowed by pubsub.yaml's allowedTopics and publishingScopes, every subscription
/// an app declares is allowed by subscriptionScopes, and the pubsub name is the component's name.
/// </summary>
[Collection(CrossServiceCollection.Name)]
public sealed class DaprComponentAgreementTests(CrossServicePlatform platform)
{
    private DaprHarness Dapr => platform.Dapr;

    [Fact]
    public async Task What_the_services_publish_and_subscribe_over_dapr_is_exactly_what_the_component_scopes_allow()
    {
        var component = Dapr.Components.PubSub;
        Assert.Equal("pubsub", component.Name);
        Assert.Equal(CrossServicePlatform.AppIds.Order(), component.AppScopes.Order());

        // Traffic of its own, whatever ran before: KYC, a consent granted and revoked, a permitted and a refused read.
        var patient = await platform.NewPatientAsync();
        var clinician = await platform.NewClinicianAsync();
        var (patientToken, _) = await platform.SignInAsPatientAsync(patient, "openid kyc consent.manage records");
        var (clinicianToken, _) = await platform.SignInAsync(clinician, "openid records");
        Assert.Equal("Approved", (await platform.PassKycAsync(patientToken, "ALMA", "SCOPES")).GetProperty("state").GetString());
        var (_, record, _) = await platform.CallAsync("record-vault", HttpMethod.Post, $"/patients/{patient.Id}/records", patientToken, CrossServicePlatform.Observation("scopes"));
        var (_, consent, _) = await platform.CallAsync("consent", HttpMethod.Post, "/consents", patientToken, CrossServicePlatform.Json(new
        {
            grantee = new { kind = "practitioner", id = clinician.Id },
            categories = new[] { "observation" },
            purposes = new[] { "TREAT" },
            validUntil = DateTimeOffset.UtcNow.AddHours(1),
        }));
        var consentId = consent.GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await platform.CallAsync("record-vault", HttpMethod.Get, $"/records/{record.GetProperty("id").GetString()}", clinicianToken)).Status);
        await platform.CallAsync("consent", HttpMethod.Post, $"/consents/{consentId}/revoke", patientToken, CrossServicePlatform.Json(new { }));
        Assert.Equal(HttpStatusCode.NotFound, (await platform.CallAsync("record-vault", HttpMethod.Get, $"/records/{record.GetProperty("id").GetString()}", clinicianToken)).Status);
        await Eventually.TrueAsync(async () =>
        {
            var (_, view, _) = await platform.CallAsync("consent", HttpMethod.Get, $"/consents/{consentId}", patientToken);
            return view.GetProperty("history").EnumerateArray().All(v => v.GetProperty("receipt").ValueKind == JsonValueKind.Object);
        }, "the consent's receipts came back", TimeSpan.FromSeconds(40));

        // Every publish a service's sidecar accepted is allowed for that app-id; no service publish was refused for scope.
        var accepted = Dapr.Publishes.Where(p => p.Accepted).ToList();
        var topicsByApp = accepted.GroupBy(p => p.AppId).ToDictionary(g => g.Key, g => g.Select(p => p.Topic).ToHashSet());
        foreach (var publish in accepted)
        {
            Assert.Equal(component.Name, publish.PubSub);
            Assert.Equal(component.Name, publish.CloudEvent!["pubsubname"]!.GetValue<string>());
            Assert.True(component.AllowedTopics!.Contains(publish.Topic), $"{publish.Topic} is not in allowedTopics");
            Assert.True(component.MayPublish(publish.AppId, publish.Topic), $"{publish.AppId} may not publish {publish.Topic}");
        }
        Assert.DoesNotContain(Dapr.Publishes, p => p.Status is 403 or 404);
        foreach (var (app, topic) in new[]
                 {
                     ("identity", "identity.verified.v1"), ("consent", "consent.changed.v1"), ("consent", "consent.granted.v1"),
                     ("consent", "consent.revoked.v1"), ("record-vault", "access.recorded.v1"), ("ledger", "ledger.committed.v1"),
                 })
        {
            Assert.True(topicsByApp.GetValueOrDefault(app)?.Contains(topic) == true, $"{app} was expected to publish {topic} during the journey");
        }

        // Every subscription the apps declared in /dapr/subscribe is allowed by subscriptionScopes, with its dead-letter topic.
        var declared = Dapr.Subscriptions.Where(s => !s.Observer).ToList();
        Assert.All(declared, s =>
        {
            Assert.True(s.Allowed, s.Refusal);
            Assert.Equal(component.Name, s.PubSub);
            Assert.Equal("events/" + s.Topic, s.Route);
            Assert.Equal(s.Topic + ".deadletter", s.DeadLetterTopic);
            Assert.True(component.MayPublish(s.AppId, s.DeadLetterTopic!), $"{s.AppId}'s sidecar may not publish its dead letters to {s.DeadLetterTopic}");
        });
        var subscribed = declared.Select(s => (s.AppId, s.Topic)).Distinct().Order().ToList();
        var scoped = component.SubscriptionScopes.SelectMany(kv => kv.Value.Select(t => (kv.Key, t))).Order().ToList();
        Assert.Equal(scoped, subscribed);

        // The checks bite: out-of-scope publishes are refused the way daprd refuses them.
        using var http = new HttpClient();
        async Task<(int Status, string Code)> PublishAsync(string app, string pubsub, string topic)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Dapr.SidecarOf(app).Endpoint, $"v1.0/publish/{pubsub}/{topic}"))
            {
                Content = new StringContent($$"""{"id":"{{Guid.NewGuid()}}"}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("dapr-api-token", platform.ApiTokenOf(app));
            using var response = await http.SendAsync(request);
            return ((int)response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errorCode").GetString()!);
        }
        Assert.Equal((403, "ERR_PUBSUB_FORBIDDEN"), await PublishAsync("identity", "pubsub", "consent.changed.v1"));
        Assert.Equal((403, "ERR_PUBSUB_FORBIDDEN"), await PublishAsync("record-vault", "pubsub", "ledger.committed.v1"));
        Assert.Equal((403, "ERR_PUBSUB_FORBIDDEN"), await PublishAsync("consent", "pubsub", "not.a.topic.v1"));
        Assert.Equal((404, "ERR_PUBSUB_NOT_FOUND"), await PublishAsync("consent", "other-pubsub", "consent.changed.v1"));
        using (var anonymous = new HttpRequestMessage(HttpMethod.Post, new Uri(Dapr.SidecarOf("consent").Endpoint, "v1.0/publish/pubsub/consent.changed.v1")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(anonymous)).StatusCode);
        }
        // Service invocation: only record-vault may call another app (configuration.yaml accessControl).
        using (var invoke = new HttpRequestMessage(HttpMethod.Post, new Uri(Dapr.SidecarOf("ledger").Endpoint, "v1.0/invoke/consent/method/decisions")))
        {
            invoke.Headers.Add("dapr-api-token", platform.ApiTokenOf("ledger"));
            invoke.Content = new StringContent("{}", Encoding.UTF8, "application/json");
            Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(invoke)).StatusCode);
        }
    }
}
