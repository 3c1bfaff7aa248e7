using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Platform.Crypto;
using Platform.Ledger.Verification;

namespace Platform.Ledger.Cli;

/// <summary>
/// <c>ledger governance propose|vote|withdraw|list</c>: a member institution's operator signs a governance document
/// with the institution's checkpoint key (its key provider, configured as its replicas' is: <c>Keys__…</c>
/// environment variables) and posts it to one of the institution's replicas (docs/consortium.md, "Governance").
/// Exit codes: 0 taken (or listed), 1 refused by the ledger (its problem is printed), 2 the command could not run.
/// </summary>
public static class GovernanceCommand
{
    internal const string Usage = """
        usage:
          ledger governance propose --url URL --token-file FILE --ledger-id ID --member NAME --replica REPLICA
                                    [--id PROPOSAL-ID] [--expires-in-days N] (--admit MEMBER.json | --remove NAME | --rotate MEMBER.json)...
          ledger governance vote PROPOSAL-ID for|against --url URL --token-file FILE --ledger-id ID --member NAME --replica REPLICA
          ledger governance withdraw PROPOSAL-ID --url URL --token-file FILE --ledger-id ID --member NAME --replica REPLICA
          ledger governance list --url URL

        NAME is your institution as the consortium configuration names it; REPLICA one of its replicas, whose checkpoint
        key (in your institution's key provider, set with the Keys__Provider, Keys__Pkcs11__… / Keys__Software__… /
        Keys__AzureKeyVault__… environment variables as for the replica) signs the document. URL is one of your
        replicas; FILE holds its administrator's bearer token. MEMBER.json is a member as in the consortium file
        (name, replicas, checkpointKeys, caCertificate). A proposal expires after 7 days unless --expires-in-days.
        Exit code: 0 done, 1 refused by the ledger, 2 the command could not run.
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        WriteIndented = true,
    };

    /// <param name="keySettings">The key provider's settings (the <c>Keys</c> section); the environment's when null.</param>
    /// <param name="handler">The HTTP handler to use; the default one when null.</param>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error,
        IConfiguration? keySettings = null, HttpMessageHandler? handler = null, TimeProvider? time = null)
    {
        var options = Options.Parse(args);
        if (options.Problem is { } problem)
        {
            error.WriteLine(problem);
            return LedgerCli.Unusable;
        }
        using var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        http.Timeout = TimeSpan.FromSeconds(60);
        try
        {
            if (options.Verb == "list")
            {
                using var listed = await http.GetAsync(new Uri(options.Url!, "governance/proposals")).ConfigureAwait(false);
                return await ReportAsync(listed, output, error).ConfigureAwait(false);
            }
            var payload = options.Payload((time ?? TimeProvider.System).GetUtcNow());
            var document = await SignAsync(payload, options.Replica!, keySettings).ConfigureAwait(false);
            var token = (await File.ReadAllTextAsync(options.TokenFile!).ConfigureAwait(false)).Trim();
            var path = options.Verb switch
            {
                "propose" => "governance/proposals",
                "vote" => $"governance/proposals/{Uri.EscapeDataString(payload.ProposalId)}/ballots",
                _ => $"governance/proposals/{Uri.EscapeDataString(payload.ProposalId)}/withdrawal",
            };
            using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(options.Url!, path)) { Content = JsonContent.Create(document) };
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(message).ConfigureAwait(false);
            return await ReportAsync(response, output, error).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or KeyProviderException or InvalidOperationException)
        {
            error.WriteLine($"Cannot {options.Verb}: {e.Message}");
            return LedgerCli.Unusable;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            error.WriteLine($"Cannot reach the ledger at {options.Url}: {e.Message}");
            return LedgerCli.Unusable;
        }
    }

    private static Task<SignedGovernanceDocument> SignAsync(GovernancePayload payload, string replica, IConfiguration? keySettings) =>
        InstitutionKeys.WithSigningKeyAsync(replica, keySettings, key =>
            SignedGovernanceDocument.SignAsync(payload, replica, key.KeyId, bytes => key.SignAsync(bytes, CancellationToken.None)));

    private static async Task<int> ReportAsync(HttpResponseMessage response, TextWriter output, TextWriter error)
    {
        var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            output.WriteLine(text);
            return LedgerCli.Valid;
        }
        string? detail = null, code = null;
        try
        {
            var body = JsonSerializer.Deserialize<JsonElement>(text);
            detail = body.TryGetProperty("detail", out var d) ? d.GetString() : null;
            code = body.TryGetProperty("code", out var c) ? c.GetString() : null;
        }
        catch (JsonException)
        {
            // not JSON (a proxy's error page): reported by status alone
        }
        error.WriteLine($"REFUSED ({(int)response.StatusCode}{(code is null ? "" : " " + code)}): {detail ?? response.StatusCode.ToString()}");
        return LedgerCli.Invalid;
    }

    private sealed record Options(string? Verb, Uri? Url, string? TokenFile, string? LedgerId, string? Member, string? Replica,
        string? ProposalId, string? Vote, int ExpiresInDays, List<GovernanceAction> Actions, string? Problem)
    {
        public GovernancePayload Payload(DateTimeOffset now) => Verb switch
        {
            "propose" => new GovernancePayload(GovernancePayload.Proposal, LedgerId!, ProposalId ?? Guid.NewGuid().ToString(), Member!,
                Actions, (now + TimeSpan.FromDays(ExpiresInDays)).ToUnixTimeMilliseconds()),
            "vote" => new GovernancePayload(GovernancePayload.Ballot, LedgerId!, ProposalId!, Member!, Vote: Vote),
            _ => new GovernancePayload(GovernancePayload.Withdrawal, LedgerId!, ProposalId!, Member!),
        };

        public static Options Parse(string[] args)
        {
            string? url = null, tokenFile = null, ledgerId = null, member = null, replica = null, id = null;
            var days = 7;
            var actions = new List<GovernanceAction>();
            var positional = new List<string>();
            try
            {
                for (var i = 0; i < args.Length; i++)
                {
                    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
                    switch (args[i])
                    {
                        case "--url": url = Next(); break;
                        case "--token-file": tokenFile = Next(); break;
                        case "--ledger-id": ledgerId = Next(); break;
                        case "--member": member = Next(); break;
                        case "--replica": replica = Next(); break;
                        case "--id": id = Next(); break;
                        case "--expires-in-days":
                            days = int.TryParse(Next(), out var d) && d is > 0 and <= 365 ? d : throw new ArgumentException("--expires-in-days takes 1 to 365.");
                            break;
                        case "--admit": actions.Add(new GovernanceAction(GovernanceAction.Admit, ReadMember(Next()))); break;
                        case "--rotate": actions.Add(new GovernanceAction(GovernanceAction.Rotate, ReadMember(Next()))); break;
                        case "--remove": actions.Add(new GovernanceAction(GovernanceAction.Remove, Name: Next())); break;
                        default: positional.Add(args[i]); break;
                    }
                }
            }
            catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException or JsonException)
            {
                return Failed(e.Message);
            }
            var baseUrl = url is not null && Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var u) && u.Scheme is "http" or "https" ? u : null;
            if (baseUrl is null)
                return Failed(Usage);
            var signed = tokenFile is not null && ledgerId is not null && member is not null && replica is not null;
            return positional switch
            {
                ["governance", "list"] => new Options("list", baseUrl, null, null, null, null, null, null, days, actions, null),
                ["governance", "propose"] when signed && actions.Count > 0 =>
                    new Options("propose", baseUrl, tokenFile, ledgerId, member, replica, id, null, days, actions, null),
                ["governance", "vote", var proposal, "for" or "against"] when signed =>
                    new Options("vote", baseUrl, tokenFile, ledgerId, member, replica, proposal, positional[3], days, actions, null),
                ["governance", "withdraw", var proposal] when signed =>
                    new Options("withdraw", baseUrl, tokenFile, ledgerId, member, replica, proposal, null, days, actions, null),
                _ => Failed(Usage),
            };
        }

        private static ConsortiumMember ReadMember(string path) =>
            JsonSerializer.Deserialize<ConsortiumMember>(File.ReadAllText(path), Json) ?? throw new JsonException($"{path} is empty.");

        private static Options Failed(string problem) => new(null, null, null, null, null, null, null, null, 0, [], problem);
    }
}
