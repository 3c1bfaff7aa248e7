using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Platform.Journey.Tests.Dapr;

/// <summary>
/// Plays daprd for several apps at once: one sidecar (its own Kestrel endpoint) per app-id, all sharing one broker
/// with Redis Streams consumer-group semantics. The sidecars enforce the pub/sub component's scopes from
/// components/, wrap payloads in CloudEvents, deliver them to each subscribed app at its declared route, read the
/// app's answer as daprd does (SUCCESS/RETRY/DROP, 404, other statuses), retry per the resiliency policy, publish
/// dead letters, forward service invocation, and record everything for assertions.
/// </summary>
public sealed class DaprHarness : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly Dictionary<string, List<BrokerMessage>> _streams = new(StringComparer.Ordinal);
    private readonly Dictionary<(string AppId, string Topic), ConsumerGroup> _groups = [];
    private readonly ConcurrentDictionary<string, AppRegistration> _apps = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, PooledConnectionLifetime = TimeSpan.FromSeconds(5) })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public DaprHarness(DaprComponents components, DaprHarnessOptions? options = null)
    {
        Components = components;
        Options = options ?? new DaprHarnessOptions();
    }

    public DaprComponents Components { get; }
    public DaprHarnessOptions Options { get; }

    /// <summary>Broker outage: every sidecar answers publishes with 500, as daprd does when the broker refuses.</summary>
    public bool RefusePublishes { get; set; }

    public ConcurrentQueue<PublishRecord> Publishes { get; } = new();
    public ConcurrentQueue<DeliveryRecord> Deliveries { get; } = new();
    public ConcurrentQueue<OutcomeRecord> Outcomes { get; } = new();
    public ConcurrentQueue<SubscriptionRecord> Subscriptions { get; } = new();
    public ConcurrentQueue<InvocationRecord> Invocations { get; } = new();

    /// <summary>Warnings and errors daprd would log (dropped messages, refused subscriptions).</summary>
    public ConcurrentQueue<string> Log { get; } = new();

    private int MaxRetries => Options.MaxRetries ?? Components.DeliveryMaxRetries;

    /// <summary>
    /// Starts the sidecar of <paramref name="appId"/>. <paramref name="apiToken"/> is daprd's DAPR_API_TOKEN (the app
    /// must send it); <paramref name="appToken"/> its APP_API_TOKEN (sent to the app with every call).
    /// </summary>
    public async Task<DaprSidecarHost> StartSidecarAsync(string appId, string? apiToken = null, string? appToken = null)
    {
        var app = new AppRegistration(appId, apiToken, appToken, observer: false);
        if (!_apps.TryAdd(appId, app))
        {
            throw new InvalidOperationException($"A sidecar for {appId} already runs.");
        }
        app.Sidecar = await DaprSidecarHost.StartAsync(this, app);
        return app.Sidecar;
    }

    public DaprSidecarHost SidecarOf(string appId) => App(appId).Sidecar ?? throw new InvalidOperationException($"{appId} has no sidecar.");

    /// <summary>
    /// The app answers on <paramref name="address"/>: read its subscriptions (<c>GET /dapr/subscribe</c>) and start
    /// delivering, including what its consumer groups kept while it was away.
    /// </summary>
    public async Task AttachAppAsync(string appId, Uri address, CancellationToken cancellationToken = default)
    {
        var app = App(appId);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(address, "dapr/subscribe"));
        AddAppToken(request, app);
        using var response = await _http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{appId}: GET /dapr/subscribe answered {(int)response.StatusCode}: {body}");
        }
        var declared = ParseSubscriptions(body);
        lock (_gate)
        {
            app.Address = address;
            app.Subscriptions.Clear();
            foreach (var (pubsub, topic, route, deadLetter) in declared)
            {
                var refusal = pubsub != Components.PubSub.Name || !Components.PubSub.LoadedBy(appId) ? $"pubsub {pubsub} not found for {appId}"
                    : !Components.PubSub.MaySubscribe(appId, topic) ? $"topic {topic} is not allowed for app id {appId} (subscriptionScopes/allowedTopics)"
                    : null;
                Subscriptions.Enqueue(new SubscriptionRecord(appId, pubsub, topic, route, deadLetter, refusal is null, refusal, Observer: false));
                if (refusal is not null)
                {
                    Log.Enqueue("warn: subscription refused: " + refusal);
                    continue;
                }
                app.Subscriptions[topic] = new ActiveSubscription(pubsub, topic, route, deadLetter);
                GroupFor(app, topic);
            }
            app.Running = true;
        }
        SignalGroupsOf(appId);
    }

    /// <summary>The app stopped: its consumer groups keep their queues (Redis Streams pending entries) until it is back.</summary>
    public void DetachApp(string appId)
    {
        var app = App(appId);
        lock (_gate)
        {
            app.Running = false;
        }
    }

    /// <summary>
    /// A consumer group that is not an app: the test's own observer (for topics no service consumes, such as
    /// identity.verified). It receives the same CloudEvents an app would, is outside the component's scopes and is
    /// marked as an observer in <see cref="Subscriptions"/>.
    /// </summary>
    public void Observe(string topic, string observerId = "journey-observer")
    {
        var app = _apps.GetOrAdd(observerId, id => new AppRegistration(id, null, null, observer: true));
        lock (_gate)
        {
            app.Running = true;
            if (!app.Subscriptions.ContainsKey(topic))
            {
                app.Subscriptions[topic] = new ActiveSubscription(Components.PubSub.Name, topic, "(in process)", null);
                Subscriptions.Enqueue(new SubscriptionRecord(observerId, Components.PubSub.Name, topic, "(in process)", null, true, null, Observer: true));
                GroupFor(app, topic);
            }
        }
        SignalGroupsOf(observerId);
    }

    /// <summary>Messages waiting in a consumer group (not yet acknowledged).</summary>
    public int PendingFor(string appId, string? topic = null)
    {
        lock (_gate)
        {
            return _groups.Values.Where(g => g.AppId == appId && (topic is null || g.Topic == topic)).Sum(g => g.Queue.Count);
        }
    }

    /// <summary>Publishes as the sidecar of <paramref name="appId"/> would (used by the HTTP endpoint and for dead letters).</summary>
    public (int Status, string? ErrorCode, string? Message) Publish(
        string appId, string pubsub, string topic, byte[] body, string? contentType,
        IReadOnlyDictionary<string, string> metadata, string? traceParent, string? traceState, bool deadLetter = false)
    {
        var now = DateTimeOffset.UtcNow;
        (int, string?, string?) Refuse(int status, string code, string message, JsonObject? envelope = null)
        {
            Publishes.Enqueue(new PublishRecord(appId, pubsub, topic, status, code, envelope, deadLetter, now));
            Log.Enqueue($"warn: {appId} publish to {pubsub}/{topic} refused: {code} {message}");
            return (status, code, message);
        }

        if (pubsub.Length == 0)
        {
            return Refuse(400, "ERR_PUBSUB_EMPTY", "pubsub name is empty");
        }
        if (pubsub != Components.PubSub.Name || !Components.PubSub.LoadedBy(appId))
        {
            return Refuse(404, "ERR_PUBSUB_NOT_FOUND", $"pubsub {pubsub} not found");
        }
        if (topic.Length == 0)
        {
            return Refuse(404, "ERR_TOPIC_EMPTY", $"topic is empty in pubsub {pubsub}");
        }
        if (!Components.PubSub.MayPublish(appId, topic))
        {
            return Refuse(403, "ERR_PUBSUB_FORBIDDEN", $"topic {topic} is not allowed for app id {appId}");
        }
        JsonObject envelope;
        try
        {
            envelope = CloudEventEnvelope.Build(appId, pubsub, topic, body, contentType, metadata, traceParent, traceState, now);
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            return Refuse(400, "ERR_PUBSUB_CLOUD_EVENTS_SER", ex.Message);
        }
        if (RefusePublishes)
        {
            return Refuse(500, "ERR_PUBSUB_PUBLISH_MESSAGE", $"error when publish to topic {topic} in pubsub {pubsub}: broker unavailable", envelope);
        }

        var message = new BrokerMessage(topic, envelope.ToJsonString(), envelope["id"]!.ToString(), envelope["traceparent"]?.ToString(), envelope["tracestate"]?.ToString());
        lock (_gate)
        {
            if (!_streams.TryGetValue(topic, out var stream))
            {
                _streams[topic] = stream = [];
            }
            stream.Add(message);
            foreach (var group in _groups.Values.Where(g => g.Topic == topic))
            {
                group.Queue.Enqueue(message);
                group.Signal.Release();
            }
            Publishes.Enqueue(new PublishRecord(appId, pubsub, topic, 204, null, envelope, deadLetter, now));
        }
        return (204, null, null);
    }

    /// <summary>Forwards a service invocation from <paramref name="caller"/>'s sidecar to the target app.</summary>
    internal async Task InvokeAsync(AppRegistration caller, string callee, string path, Microsoft.AspNetCore.Http.HttpContext http)
    {
        var request = http.Request;
        var response = http.Response;
        var traceParent = request.Headers["traceparent"].ToString();
        var authorization = request.Headers.Authorization.Count > 0;
        async Task Fail(int status, string code, string message)
        {
            Invocations.Enqueue(new InvocationRecord(caller.AppId, callee, request.Method, path, status, false, traceParent.Length == 0 ? null : traceParent, code));
            response.StatusCode = status;
            await response.WriteAsJsonAsync(new { errorCode = code, message }, http.RequestAborted);
        }

        // The callee's sidecar applies the Configuration's access control to the caller's identity.
        if (!Components.AccessControl.Allows(caller.AppId))
        {
            await Fail(403, "ERR_DIRECT_INVOKE", $"fail to invoke, id: {callee}, err: rpc error: code = PermissionDenied desc = access control policy has denied access to id: {caller.AppId} operation: {path} verb: {request.Method}");
            return;
        }
        if (!_apps.TryGetValue(callee, out var target) || target.Observer || target.Address is null || !target.Running)
        {
            await Fail(500, "ERR_DIRECT_INVOKE", $"fail to invoke, id: {callee}, err: app {callee} is not available");
            return;
        }

        using var forward = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(target.Address, path.TrimStart('/') + request.QueryString));
        var body = new MemoryStream();
        await request.Body.CopyToAsync(body, http.RequestAborted);
        if (body.Length > 0 || request.ContentLength is > 0 || request.ContentType is not null)
        {
            forward.Content = new ByteArrayContent(body.ToArray());
        }
        foreach (var (name, values) in request.Headers)
        {
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase) || name.Equals("dapr-api-token", StringComparison.OrdinalIgnoreCase) ||
                name.Equals("Connection", StringComparison.OrdinalIgnoreCase) || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) ||
                name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            if (!forward.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                forward.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }
        forward.Headers.TryAddWithoutValidation("dapr-caller-app-id", caller.AppId);
        forward.Headers.TryAddWithoutValidation("dapr-callee-app-id", callee);
        AddAppToken(forward, target);

        HttpResponseMessage answer;
        try
        {
            answer = await _http.SendAsync(forward, http.RequestAborted);
        }
        catch (HttpRequestException ex)
        {
            await Fail(500, "ERR_DIRECT_INVOKE", $"fail to invoke, id: {callee}, err: {ex.Message}");
            return;
        }
        using (answer)
        {
            Invocations.Enqueue(new InvocationRecord(caller.AppId, callee, request.Method, path, (int)answer.StatusCode, authorization,
                traceParent.Length == 0 ? null : traceParent, null));
            response.StatusCode = (int)answer.StatusCode;
            foreach (var (name, values) in answer.Headers.Concat(answer.Content.Headers))
            {
                if (!name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && !name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    response.Headers[name] = values.ToArray();
                }
            }
            await answer.Content.CopyToAsync(response.Body, http.RequestAborted);
        }
    }

    private AppRegistration App(string appId) =>
        _apps.TryGetValue(appId, out var app) ? app : throw new InvalidOperationException($"No sidecar for app-id {appId}.");

    /// <summary>The consumer group (app-id, topic); a new group starts at the beginning of the stream, like XGROUP CREATE … 0.</summary>
    private ConsumerGroup GroupFor(AppRegistration app, string topic)
    {
        if (_groups.TryGetValue((app.AppId, topic), out var group))
        {
            return group;
        }
        group = new ConsumerGroup(app.AppId, topic);
        if (_streams.TryGetValue(topic, out var stream))
        {
            foreach (var message in stream)
            {
                group.Queue.Enqueue(message);
            }
        }
        _groups[(app.AppId, topic)] = group;
        group.Worker = Task.Run(() => RunGroupAsync(app, group));
        return group;
    }

    private void SignalGroupsOf(string appId)
    {
        lock (_gate)
        {
            foreach (var group in _groups.Values.Where(g => g.AppId == appId))
            {
                group.Signal.Release();
            }
        }
    }

    private async Task RunGroupAsync(AppRegistration app, ConsumerGroup group)
    {
        var stopping = _stopping.Token;
        while (!stopping.IsCancellationRequested)
        {
            ActiveSubscription? subscription;
            BrokerMessage? message;
            lock (_gate)
            {
                subscription = app.Running ? app.Subscriptions.GetValueOrDefault(group.Topic) : null;
                message = subscription is not null && group.Queue.TryPeek(out var head) ? head : null;
            }
            if (subscription is null || message is null)
            {
                try
                {
                    await group.Signal.WaitAsync(TimeSpan.FromMilliseconds(100), stopping);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                continue;
            }
            bool settled;
            try
            {
                settled = await DeliverWithRetriesAsync(app, group, subscription, message, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            if (settled)
            {
                lock (_gate)
                {
                    group.Queue.TryDequeue(out _);
                }
            }
        }
    }

    /// <summary>Delivers one message with the resiliency policy; false when the app went away (the message stays pending).</summary>
    private async Task<bool> DeliverWithRetriesAsync(AppRegistration app, ConsumerGroup group, ActiveSubscription subscription, BrokerMessage message, CancellationToken stopping)
    {
        var attempts = 1 + MaxRetries;
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            if (!app.Running)
            {
                return false;
            }
            var (verdict, status, appStatus, tokenSent) = app.Observer
                ? (DeliveryVerdict.Success, 200, "SUCCESS", false)
                : await DeliverOnceAsync(app, subscription, message, stopping);
            if (verdict == DeliveryVerdict.Retry && status == 0 && !app.Running)
            {
                return false; // the app stopped under the delivery: not an attempt, the entry stays pending
            }
            Deliveries.Enqueue(new DeliveryRecord(app.AppId, group.Topic, message.EventId, attempt, status, appStatus, verdict,
                JsonNode.Parse(message.CloudEvent)!.AsObject(), CloudEventEnvelope.ContentType, tokenSent, DateTimeOffset.UtcNow));
            switch (verdict)
            {
                case DeliveryVerdict.Success:
                    Outcomes.Enqueue(new OutcomeRecord(app.AppId, group.Topic, message.EventId, MessageOutcome.Delivered, attempt, null));
                    return true;
                case DeliveryVerdict.Drop:
                    // Since Dapr 1.13 (dapr/dapr#7097) a DROP goes to the subscription's dead-letter topic when it has one.
                    Log.Enqueue($"warn: DROP status returned from app {app.AppId} while processing pub/sub event {message.EventId}");
                    var dropTopic = PublishDeadLetter(app, subscription, message);
                    Outcomes.Enqueue(new OutcomeRecord(app.AppId, group.Topic, message.EventId, MessageOutcome.Dropped, attempt, dropTopic));
                    return true;
                case DeliveryVerdict.NotFound:
                    Log.Enqueue($"error: non-retriable error returned from app {app.AppId} while processing pub/sub event {message.EventId}: status 404");
                    Outcomes.Enqueue(new OutcomeRecord(app.AppId, group.Topic, message.EventId, MessageOutcome.DroppedNotFound, attempt, null));
                    return true;
            }
            if (attempt < attempts)
            {
                await Task.Delay(RetryInterval(attempt), stopping);
            }
        }

        var deadLetterTopic = PublishDeadLetter(app, subscription, message);
        Outcomes.Enqueue(new OutcomeRecord(app.AppId, group.Topic, message.EventId,
            deadLetterTopic is null ? MessageOutcome.Discarded : MessageOutcome.DeadLettered, attempts, deadLetterTopic));
        return true;
    }

    /// <summary>
    /// The subscriber's sidecar publishes the original CloudEvent to the subscription's dead-letter topic (its own
    /// publishing scopes apply); returns that topic, or null when there is none or the publish was refused.
    /// </summary>
    private string? PublishDeadLetter(AppRegistration app, ActiveSubscription subscription, BrokerMessage message)
    {
        if (subscription.DeadLetterTopic is not { Length: > 0 } deadLetter)
        {
            return null;
        }
        var (status, code, _) = Publish(app.AppId, subscription.PubSub, deadLetter, Encoding.UTF8.GetBytes(message.CloudEvent),
            CloudEventEnvelope.ContentType, new Dictionary<string, string>(), message.TraceParent, message.TraceState, deadLetter: true);
        if (status != 204)
        {
            Log.Enqueue($"error: dead letter of {message.EventId} to {deadLetter} refused: {code}");
            return null;
        }
        return deadLetter;
    }

    private TimeSpan RetryInterval(int attempt)
    {
        var milliseconds = Options.RetryInitialInterval.TotalMilliseconds * Math.Pow(Options.RetryMultiplier, attempt - 1);
        return TimeSpan.FromMilliseconds(Math.Min(milliseconds, Options.RetryMaxInterval.TotalMilliseconds));
    }

    private async Task<(DeliveryVerdict Verdict, int Status, string? AppStatus, bool TokenSent)> DeliverOnceAsync(
        AppRegistration app, ActiveSubscription subscription, BrokerMessage message, CancellationToken stopping)
    {
        var address = app.Address!;
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(address, subscription.Route.TrimStart('/')))
        {
            Content = new StringContent(message.CloudEvent, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(CloudEventEnvelope.ContentType);
        if (message.TraceParent is { Length: > 0 })
        {
            request.Headers.TryAddWithoutValidation("traceparent", message.TraceParent);
        }
        if (message.TraceState is { Length: > 0 })
        {
            request.Headers.TryAddWithoutValidation("tracestate", message.TraceState);
        }
        request.Headers.TryAddWithoutValidation("pubsubname", subscription.PubSub);
        var tokenSent = AddAppToken(request, app);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(Options.DeliveryTimeout);
        try
        {
            using var response = await _http.SendAsync(request, timeout.Token);
            var status = (int)response.StatusCode;
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return (DeliveryVerdict.NotFound, status, null, tokenSent);
            }
            if (!response.IsSuccessStatusCode)
            {
                return (DeliveryVerdict.Retry, status, null, tokenSent);
            }
            string? appStatus = null;
            try
            {
                if (body.Trim().Length > 0 && JsonNode.Parse(body) is JsonObject answer && answer["status"] is JsonValue value)
                {
                    appStatus = value.ToString();
                }
            }
            catch (JsonException)
            {
                // daprd: a 2xx body it cannot read is a success.
            }
            return (appStatus?.ToUpperInvariant()) switch
            {
                null or "" or "SUCCESS" => (DeliveryVerdict.Success, status, appStatus, tokenSent),
                "DROP" => (DeliveryVerdict.Drop, status, appStatus, tokenSent),
                _ => (DeliveryVerdict.Retry, status, appStatus, tokenSent), // RETRY, and unknown statuses are errors
            };
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !stopping.IsCancellationRequested))
        {
            return (DeliveryVerdict.Retry, 0, null, tokenSent);
        }
    }

    private static bool AddAppToken(HttpRequestMessage request, AppRegistration app)
    {
        if (string.IsNullOrEmpty(app.AppToken))
        {
            return false;
        }
        request.Headers.Remove("dapr-api-token");
        request.Headers.TryAddWithoutValidation("dapr-api-token", app.AppToken);
        return true;
    }

    /// <summary>Reads Dapr's subscription list (v1 <c>route</c> or v2 <c>routes.default</c>).</summary>
    private static List<(string PubSub, string Topic, string Route, string? DeadLetter)> ParseSubscriptions(string json)
    {
        var result = new List<(string, string, string, string?)>();
        foreach (var item in JsonDocument.Parse(json).RootElement.EnumerateArray())
        {
            string? Get(string name) => item.EnumerateObject().FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) is { Value.ValueKind: JsonValueKind.String } p
                ? p.Value.GetString() : null;
            var route = Get("route");
            if (route is null && item.EnumerateObject().FirstOrDefault(p => p.Name.Equals("routes", StringComparison.OrdinalIgnoreCase)) is { Value.ValueKind: JsonValueKind.Object } routes)
            {
                route = routes.Value.TryGetProperty("default", out var d) ? d.GetString() : null;
            }
            result.Add((Get("pubsubName") ?? "", Get("topic") ?? "", route ?? "", Get("deadLetterTopic")));
        }
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        Task[] workers;
        lock (_gate)
        {
            workers = [.. _groups.Values.Select(g => g.Worker).OfType<Task>()];
        }
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        foreach (var app in _apps.Values)
        {
            if (app.Sidecar is not null)
            {
                await app.Sidecar.DisposeAsync();
            }
        }
        _http.Dispose();
        _stopping.Dispose();
    }

    private sealed record BrokerMessage(string Topic, string CloudEvent, string EventId, string? TraceParent, string? TraceState);

    internal sealed record ActiveSubscription(string PubSub, string Topic, string Route, string? DeadLetterTopic);

    private sealed class ConsumerGroup(string appId, string topic)
    {
        public string AppId { get; } = appId;
        public string Topic { get; } = topic;
        public ConcurrentQueue<BrokerMessage> Queue { get; } = new();
        public SemaphoreSlim Signal { get; } = new(0);
        public Task? Worker { get; set; }
    }

    internal sealed class AppRegistration(string appId, string? apiToken, string? appToken, bool observer)
    {
        public string AppId { get; } = appId;
        public string? ApiToken { get; } = apiToken;
        public string? AppToken { get; } = appToken;
        public bool Observer { get; } = observer;
        public Uri? Address { get; set; }
        public volatile bool Running;
        public Dictionary<string, ActiveSubscription> Subscriptions { get; } = new(StringComparer.Ordinal);
        public DaprSidecarHost? Sidecar { get; set; }
    }
}
