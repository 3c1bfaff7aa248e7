using System.CommandLine;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Platform.Ledger.Cli;

/// <summary>
/// <c>ledger members add|remove NAME --url URL --token-file FILE</c>: asks the ledger to add or remove a replica
/// (<c>POST</c>/<c>DELETE /admin/members/{name}</c>). A follower answers 421 with the leader's API address; the
/// command asks the leader there once. Exit codes: 0 done (added, removed or unchanged), 1 refused by the ledger (its
/// problem is printed), 2 the command could not run (usage, token file, ledger unreachable).
/// </summary>
public static class MembersCommand
{
    internal const string Usage = """
        usage:
          ledger members add NAME --url URL --token-file FILE
          ledger members remove NAME --url URL --token-file FILE

        URL is any replica's API address (a follower points to the leader, which is asked instead). FILE holds the
        administrator's bearer token (Ledger:AdminToken, or an administrator's access token); it is read from a file
        so that it never appears in the shell history or the process list. One change at a time; wait for the
        new replica to be ready before the next.
        Exit code: 0 done, 1 refused by the ledger, 2 the command could not run.
        """;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static readonly Argument<string> Name = new("NAME");
    private static readonly Option<string> Url = Validated(new Option<string>("--url") { HelpName = "URL", Required = true });
    private static readonly Option<string> TokenFile = new("--token-file") { HelpName = "FILE", Required = true };

    internal static Command Definition { get; } = new("members", Usage) { Change("add"), Change("remove") };

    /// <summary>Runs <c>members add|remove</c>; <paramref name="args"/> start with <c>members</c>.</summary>
    /// <param name="handler">The HTTP handler to use; the default one when <see langword="null"/>.</param>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, HttpMessageHandler? handler = null) =>
        LedgerCommandLine.TryParse(args, [Definition], output, error, out var parsed, out var exit)
            ? await RunAsync(parsed, output, error, handler).ConfigureAwait(false)
            : exit;

    private static Command Change(string verb)
    {
        var command = new Command(verb) { Name, Url, TokenFile };
        command.SetAction((parsed, _) => RunAsync(parsed, parsed.InvocationConfiguration.Output, parsed.InvocationConfiguration.Error));
        return command;
    }

    private static Option<string> Validated(Option<string> url)
    {
        url.Validators.Add(LedgerCommandLine.MustBeHttpAddresses);
        return url;
    }

    private static async Task<int> RunAsync(ParseResult parsed, TextWriter output, TextWriter error, HttpMessageHandler? handler = null)
    {
        var request = new MemberChange(parsed.CommandResult.Command.Name == "add", parsed.GetRequiredValue(Name),
            LedgerCommandLine.BaseUrl(parsed.GetRequiredValue(Url))!, parsed.GetRequiredValue(TokenFile));

        string token;
        try
        {
            token = (await File.ReadAllTextAsync(request.TokenFile).ConfigureAwait(false)).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"Cannot read {request.TokenFile}: {e.Message}");
            return LedgerCli.Unusable;
        }
        if (token.Length == 0)
        {
            error.WriteLine($"{request.TokenFile} is empty.");
            return LedgerCli.Unusable;
        }

        using var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        http.Timeout = Timeout;
        try
        {
            var (status, body) = await SendAsync(http, request, request.Url, token).ConfigureAwait(false);
            if (status == HttpStatusCode.MisdirectedRequest && LedgerCommandLine.BaseUrl(Text(body, "leaderUrl")) is { } leader)
            {
                output.WriteLine($"{request.Url} is not the leader; asking {Text(body, "leader") ?? "the leader"} at {leader}.");
                (status, body) = await SendAsync(http, request, leader, token).ConfigureAwait(false);
            }

            return Report(status, body, output, error);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            error.WriteLine($"Cannot reach the ledger at {request.Url}: {e.Message}");
            return LedgerCli.Unusable;
        }
    }

    private static async Task<(HttpStatusCode Status, JsonElement? Body)> SendAsync(HttpClient http, MemberChange change, Uri baseUrl, string token)
    {
        using var message = new HttpRequestMessage(
            change.Add ? HttpMethod.Post : HttpMethod.Delete,
            new Uri(baseUrl, $"admin/members/{Uri.EscapeDataString(change.Name)}"));
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(message).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        JsonElement? body = null;
        try
        {
            body = text.Length == 0 ? null : JsonSerializer.Deserialize<JsonElement>(text);
        }
        catch (JsonException)
        {
            // not JSON (a proxy's error page): reported by status alone
        }
        return (response.StatusCode, body);
    }

    private static int Report(HttpStatusCode status, JsonElement? body, TextWriter output, TextWriter error)
    {
        if (status == HttpStatusCode.OK)
        {
            var members = body is { } b && b.TryGetProperty("members", out var m) && m.ValueKind == JsonValueKind.Array
                ? string.Join(", ", m.EnumerateArray().Select(x => x.ToString()))
                : "?";
            output.WriteLine($"{(Text(body, "change") ?? "done").ToUpperInvariant()}: members are now {members}");
            return LedgerCli.Valid;
        }

        var detail = Text(body, "detail") ?? Text(body, "title") ?? status.ToString();
        var code = Text(body, "code");
        error.WriteLine($"REFUSED ({(int)status}{(code is null ? "" : " " + code)}): {detail}");
        return LedgerCli.Invalid;
    }

    private static string? Text(JsonElement? body, string property) =>
        body is { ValueKind: JsonValueKind.Object } b && b.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private sealed record MemberChange(bool Add, string Name, Uri Url, string TokenFile);
}
