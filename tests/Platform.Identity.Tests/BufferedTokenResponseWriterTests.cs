using System.Collections.Immutable;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using Platform.Identity.Oidc;
using Platform.Identity.Testing;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Platform.Identity.Tests;

/// <summary>
/// Issue 18: the token endpoint's JSON answer is written by <see cref="BufferedTokenResponseWriter"/> instead of
/// OpenIddict's <c>ProcessJsonResponse</c>. Both run here on the same answers (a token response, one with characters
/// the relaxed encoder leaves alone and those it escapes, an error, an array and a JSON value) and must produce the same
/// bytes, Content-Length and Content-Type, and mark the request handled; the server must run ours in OpenIddict's place.
/// </summary>
public sealed class BufferedTokenResponseWriterTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    [Fact]
    public void The_servers_options_run_the_replacement_in_the_built_ins_place()
    {
        var options = fixture.Server.Service.Services.GetRequiredService<IOptionsMonitor<OpenIddictServerOptions>>().CurrentValue;
        Assert.DoesNotContain(OpenIddictServerAspNetCoreHandlers.ProcessJsonResponse<ApplyTokenResponseContext>.Descriptor, options.Handlers);
        var ours = Assert.Single(options.Handlers, d => d.ServiceDescriptor.ServiceType == typeof(BufferedTokenResponseWriter));
        Assert.Equal(OpenIddictServerAspNetCoreHandlers.ProcessJsonResponse<ApplyTokenResponseContext>.Descriptor.Order, ours.Order);
        // The other endpoints keep OpenIddict's writer.
        Assert.Contains(OpenIddictServerAspNetCoreHandlers.ProcessJsonResponse<ApplyIntrospectionResponseContext>.Descriptor, options.Handlers);
    }

    public static TheoryData<string> Answers() =>
    [
        """{"access_token":"eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln","token_type":"Bearer","expires_in":300,"scope":"consent.decide records.read"}""",
        """{"error":"invalid_client","error_description":"The specified client credentials are invalid.","error_uri":"https://documentation.openiddict.com/errors/ID2055"}""",
        """{"name":"Zoë <b>&amp;</b> 'quoted' \"double\" \u2028 \u0001 😀","flag":true,"list":["a","b"],"nested":{"x":[1,2.5,null]}}""",
    ];

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task The_same_answer_gives_the_same_bytes_and_headers_as_OpenIddicts_writer(string json)
    {
        var aspNetCoreOptions = fixture.Server.Service.Services.GetRequiredService<IOptionsMonitor<OpenIddictServerAspNetCoreOptions>>();
        var builtIn = await WriteAsync(new OpenIddictServerAspNetCoreHandlers.ProcessJsonResponse<ApplyTokenResponseContext>(aspNetCoreOptions), Typed(json));
        var ours = await WriteAsync(new BufferedTokenResponseWriter(), Typed(json));
        Assert.Equal(builtIn.Body, ours.Body);
        // And with the values kept as JSON elements, as a message read from JSON holds them.
        builtIn = await WriteAsync(new OpenIddictServerAspNetCoreHandlers.ProcessJsonResponse<ApplyTokenResponseContext>(aspNetCoreOptions), Elements(json));
        ours = await WriteAsync(new BufferedTokenResponseWriter(), Elements(json));
        Assert.Equal(builtIn.Body, ours.Body);
        Assert.Equal(builtIn.Length, ours.Length);
        Assert.Equal(builtIn.Type, ours.Type);
        Assert.True(ours.Handled);
        Assert.Equal(ours.Body.Length, ours.Length);
        // The same thread's buffer is reused: a second, shorter answer must not carry bytes of the first.
        var again = await WriteAsync(new BufferedTokenResponseWriter(), Typed("""{"a":"b"}"""));
        Assert.Equal("""{"a":"b"}"""u8.ToArray(), again.Body);
    }

    [Fact]
    public async Task A_token_answer_from_the_server_is_compact_json_with_its_content_length()
    {
        using var client = new HttpClient { BaseAddress = fixture.Server.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "connect/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "consent.decide" }),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{IdentityServer.ServiceClient}:{IdentityServer.ServiceSecret}")));
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        Assert.Equal("application/json; charset=UTF-8", response.Content.Headers.ContentType!.ToString());
        Assert.DoesNotContain((byte)'\n', body);
        using var document = JsonDocument.Parse(body);
        Assert.Equal(3, document.RootElement.GetProperty("access_token").GetString()!.Split('.').Length);
    }

    private static OpenIddictResponse Elements(string json) => new(JsonSerializer.Deserialize<JsonElement>(json));

    /// <summary>Strings, numbers and booleans as the CLR values the server sets (a token response's are such), the rest as JSON.</summary>
    private static OpenIddictResponse Typed(string json)
    {
        var response = new OpenIddictResponse();
        foreach (var property in JsonSerializer.Deserialize<JsonElement>(json).EnumerateObject())
        {
            response[property.Name] = property.Value.ValueKind switch
            {
                JsonValueKind.String => new OpenIddictParameter(property.Value.GetString()),
                JsonValueKind.Number => new OpenIddictParameter(property.Value.GetInt64()),
                JsonValueKind.True or JsonValueKind.False => new OpenIddictParameter(property.Value.GetBoolean()),
                JsonValueKind.Array when property.Value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String)
                    => new OpenIddictParameter(property.Value.EnumerateArray().Select(e => e.GetString()).ToImmutableArray()),
                _ => new OpenIddictParameter(property.Value),
            };
        }
        return response;
    }

    private static async Task<(byte[] Body, long? Length, string? Type, bool Handled)> WriteAsync(IOpenIddictServerHandler<ApplyTokenResponseContext> handler, OpenIddictResponse message)
    {
        var http = new DefaultHttpContext();
        using var body = new MemoryStream();
        http.Response.Body = body;
        var transaction = new OpenIddictServerTransaction
        {
            Options = new OpenIddictServerOptions(),
            Logger = NullLogger.Instance,
            Response = message,
        };
        transaction.Properties[typeof(HttpRequest).FullName!] = new WeakReference<HttpRequest>(http.Request);
        var context = new ApplyTokenResponseContext(transaction);
        await handler.HandleAsync(context);
        await http.Response.BodyWriter.CompleteAsync();
        return (body.ToArray(), http.Response.ContentLength, http.Response.ContentType, context.IsRequestHandled);
    }
}
