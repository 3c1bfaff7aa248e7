using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.EntityFrameworkCore.Models;
using Platform.Identity;
using Platform.Identity.Data;
using Platform.Identity.Oidc;
using Platform.Testing;

namespace Platform.Benchmarks;

/// <summary>
/// Access tokens per second from the identity service's token endpoint (OAuth client_credentials, client_secret_basic),
/// with N closed-loop callers on loopback for a fixed time. The service runs in this process as the tests start it:
/// SQLite in a temp folder, software ES256 signing keys, one confidential client registered through configuration,
/// rate limits raised so they do not cap the figure. Each token is an ES256-signed JWT, and OpenIddict stores a
/// token entry for it in SQLite (the run prints how many entries it found afterwards). Baselines, same host and run: <c>GET /health/live</c> (the
/// service defaults alone) and the discovery document (OpenIddict's pipeline without a signature or a write). A last
/// line times, in this process, the key derivation that checking the client secret costs on each token request.
/// </summary>
public static class OidcTokenBenchmark
{
    internal const string ClientId = "bench-service";
    internal const string ClientSecret = "bench-service-secret-0123456789abcdefghij";
    internal const string Scope = "consent.decide ledger.submit";

    /// <summary>The identity service as both token benchmarks run it: SQLite, software keys, one client, rate limits raised.</summary>
    internal static Task<ServiceUnderTest> StartIdentityAsync(IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var settings = IdentitySettings();
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
        return ServiceUnderTest.StartAsync(IdentityService.Build, settings);
    }

    private static Dictionary<string, string?> IdentitySettings() => new()
    {
        ["Keys:Provider"] = "Software",
        ["Identity:AllowHttp"] = "true",
        ["Identity:Clients:0:ClientId"] = ClientId,
        ["Identity:Clients:0:Type"] = "confidential",
        ["Identity:Clients:0:ClientSecret"] = ClientSecret,
        ["Identity:Clients:0:GrantTypes:0"] = "client_credentials",
        ["Identity:Clients:0:Scopes:0"] = "consent.decide",
        ["Identity:Clients:0:Scopes:1"] = "ledger.submit",
        ["RateLimiting:per-client:PermitLimit"] = "100000000",
        ["RateLimiting:sensitive:PermitLimit"] = "100000000",
        ["Logging:LogLevel:Default"] = "Error",
    };

    public static async Task RunAsync(TimeSpan duration, int concurrency)
    {
        Console.WriteLine($"OIDC tokens: identity service in process (SQLite, software ES256 keys), {concurrency} concurrent callers, "
            + $"{duration.TotalSeconds:F0} s per target, loopback, {Environment.ProcessorCount} cores, Release build");
        Console.WriteLine($"{"target",-52} {"requests/s",12} {"p50 ms",8} {"p99 ms",8} {"errors",7}");

        await using var identity = await StartIdentityAsync();
        var address = identity.Client.BaseAddress!;
        var basic = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(ClientId)}:{Uri.EscapeDataString(ClientSecret)}")));

        Task<HttpResponseMessage> Token(HttpClient client)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token")
            {
                Content = new FormUrlEncodedContent([new("grant_type", "client_credentials"), new("scope", Scope)]),
            };
            request.Headers.Authorization = basic;
            return client.SendAsync(request);
        }

        // One token first, so a misconfigured client fails loudly instead of printing a row of errors.
        using (var probe = new HttpClient { BaseAddress = address })
        using (var response = await Token(probe))
        {
            var body = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode || !IsToken(body))
            {
                throw new InvalidOperationException($"The token endpoint answered {(int)response.StatusCode}: {body}");
            }
            Console.WriteLine($"(one token response: {body.Length} bytes of JSON)");
        }

        Print("identity GET /health/live (baseline)", await DriveAsync(address, duration, concurrency, c => c.GetAsync("/health/live"), null));
        Print("identity GET /.well-known/openid-configuration", await DriveAsync(address, duration, concurrency,
            c => c.GetAsync("/.well-known/openid-configuration"), null));
        Print("identity POST /connect/token (client_credentials)", await DriveAsync(address, duration, concurrency, Token, IsToken));
        PrintSecretCheckCost(identity.Services);
    }

    /// <summary>
    /// Since issue #18 client secrets are HMAC-SHA256 under a server key, which this times when it finds one. Before,
    /// OpenIddict stored client secrets as PBKDF2 hashes (ASP.NET Identity v3 layout: marker, PRF, iteration count,
    /// salt length, salt, subkey) and derives the key again on every token request; this times one derivation with
    /// the parameters read from the stored hash, on one thread, so the token figure can be read against it.
    /// </summary>
    private static void PrintSecretCheckCost(IServiceProvider services)
    {
        using var scope = services.CreateScope();
        var stored = scope.ServiceProvider.GetRequiredService<IdentityServiceDbContext>()
            .Set<OpenIddictEntityFrameworkCoreApplication>().Single(a => a.ClientId == ClientId).ClientSecret;
        var entries = scope.ServiceProvider.GetRequiredService<IdentityServiceDbContext>().Set<OpenIddictEntityFrameworkCoreToken>().Count();
        Console.WriteLine($"(token entries in the database after the run, warm-up included: {entries})");
        if (stored?.StartsWith(KeyedClientSecretApplicationManager.Prefix, StringComparison.Ordinal) == true)
        {
            // HMAC-SHA256 under the server key since issue #18: time one such check the same way.
            var hmacKey = RandomNumberGenerator.GetBytes(32);
            const int hmacRounds = 10_000;
            var hmacStarted = Stopwatch.GetTimestamp();
            for (var i = 0; i < hmacRounds; i++)
            {
                HMACSHA256.HashData(hmacKey, Encoding.UTF8.GetBytes(ClientSecret));
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"(client secret check: HMAC-SHA256 under the server key, {Stopwatch.GetElapsedTime(hmacStarted).TotalMilliseconds * 1000 / hmacRounds:F2} µs of one core per token request)"));
            return;
        }
        var hash = Convert.FromBase64String(stored ?? "");
        if (hash.Length < 13 || hash[0] != 0x01)
        {
            Console.WriteLine("(client secret hash in an unknown format; secret check not timed)");
            return;
        }
        var prf = BinaryPrimitives.ReadUInt32BigEndian(hash.AsSpan(1)) switch
        {
            0 => HashAlgorithmName.SHA1,
            1 => HashAlgorithmName.SHA256,
            _ => HashAlgorithmName.SHA512,
        };
        var iterations = (int)BinaryPrimitives.ReadUInt32BigEndian(hash.AsSpan(5));
        var saltLength = (int)BinaryPrimitives.ReadUInt32BigEndian(hash.AsSpan(9));
        var salt = hash.AsSpan(13, saltLength).ToArray();
        var subkeyLength = hash.Length - 13 - saltLength;
        Rfc2898DeriveBytes.Pbkdf2(ClientSecret, salt, iterations, prf, subkeyLength);
        const int rounds = 50;
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < rounds; i++)
        {
            Rfc2898DeriveBytes.Pbkdf2(ClientSecret, salt, iterations, prf, subkeyLength);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"(client secret check: PBKDF2-HMAC-{prf.Name} with {iterations} iterations, {Stopwatch.GetElapsedTime(started).TotalMilliseconds / rounds:F2} ms of one core per token request)"));
    }

    private static bool IsToken(string body) => body.Contains("\"access_token\"", StringComparison.Ordinal);

    private sealed record Result(long Requests, long Errors, double Seconds, double P50, double P99);

    private static async Task<Result> DriveAsync(
        Uri address, TimeSpan duration, int concurrency, Func<HttpClient, Task<HttpResponseMessage>> send, Func<string, bool>? bodyIsValid)
    {
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = address };
        // Warm-up, two seconds at the same concurrency: JIT (tiered), connection pool, database pool, signing key.
        await RunWorkersAsync(client, TimeSpan.FromSeconds(2), concurrency, send, bodyIsValid);
        var stopwatch = Stopwatch.StartNew();
        var results = await RunWorkersAsync(client, duration, concurrency, send, bodyIsValid);
        var seconds = stopwatch.Elapsed.TotalSeconds;
        var all = results.SelectMany(r => r.Latencies).Order().ToArray();
        return new Result(all.Length, results.Sum(r => r.Errors), seconds, LoadLoop.Percentile(all, 0.50), LoadLoop.Percentile(all, 0.99));
    }

    private static Task<(List<double> Latencies, long Errors)[]> RunWorkersAsync(
        HttpClient client, TimeSpan duration, int concurrency, Func<HttpClient, Task<HttpResponseMessage>> send, Func<string, bool>? bodyIsValid)
    {
        var stopwatch = Stopwatch.StartNew();
        return Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            var latencies = new List<double>();
            long errors = 0;
            while (stopwatch.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await send(client);
                var body = await response.Content.ReadAsStringAsync();
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (!response.IsSuccessStatusCode || (bodyIsValid is not null && !bodyIsValid(body)))
                {
                    errors++;
                }
            }
            return (latencies, errors);
        })));
    }


    private static void Print(string target, Result r) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{target,-52} {r.Requests / r.Seconds,12:F0} {r.P50,8:F2} {r.P99,8:F2} {r.Errors,7}"));
}
