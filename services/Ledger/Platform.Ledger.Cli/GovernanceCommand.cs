using System.CommandLine;
using System.Globalization;
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

    private static readonly Option<string> UrlOption = LedgerUrl();
    private static readonly Option<string> TokenFileOption = new("--token-file") { HelpName = "FILE", Required = true };
    private static readonly Option<string> LedgerIdOption = new("--ledger-id") { HelpName = "ID", Required = true };
    private static readonly Option<string> MemberOption = new("--member") { HelpName = "NAME", Required = true };
    private static readonly Option<string> ReplicaOption = new("--replica") { HelpName = "REPLICA", Required = true };
    private static readonly Option<string> ProposalIdOption = new("--id") { HelpName = "PROPOSAL-ID" };
    private static readonly Option<string> ExpiresInDaysOption = Days();
    private static readonly Argument<string> ProposalIdArgument = new("PROPOSAL-ID");
    private static readonly Argument<string> VoteArgument = Ballot();

    // Each action may be given several times; their order on the command line is the proposal's order.
    private static readonly string[] ActionNames = ["--admit", "--remove", "--rotate"];
    private static readonly Option<string[]>[] ActionOptions =
        [.. ActionNames.Select(name => new Option<string[]>(name) { HelpName = name == "--remove" ? "NAME" : "MEMBER.json", AllowMultipleArgumentsPerToken = false })];

    internal static Command Definition { get; } = new("governance", Usage)
    {
        Verb(new Command("propose") { UrlOption, TokenFileOption, LedgerIdOption, MemberOption, ReplicaOption, ProposalIdOption, ExpiresInDaysOption,
            ActionOptions[0], ActionOptions[1], ActionOptions[2] },
            command => command.Validators.Add(result =>
            {
                if (ActionOptions.All(action => result.GetResult(action) is null))
                    result.AddError("a proposal needs at least one --admit, --remove or --rotate.");
            })),
        Verb(new Command("vote") { ProposalIdArgument, VoteArgument, UrlOption, TokenFileOption, LedgerIdOption, MemberOption, ReplicaOption }),
        Verb(new Command("withdraw") { ProposalIdArgument, UrlOption, TokenFileOption, LedgerIdOption, MemberOption, ReplicaOption }),
        Verb(new Command("list") { UrlOption }),
    };

    /// <summary>Runs <c>governance propose|vote|withdraw|list</c>; <paramref name="args"/> start with <c>governance</c>.</summary>
    /// <param name="keySettings">The key provider's settings (the <c>Keys</c> section); the environment's when null.</param>
    /// <param name="handler">The HTTP handler to use; the default one when null.</param>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error,
        IConfiguration? keySettings = null, HttpMessageHandler? handler = null, TimeProvider? time = null) =>
        LedgerCommandLine.TryParse(args, [Definition], output, error, out var parsed, out var exit)
            ? await RunAsync(parsed, output, error, keySettings, handler, time).ConfigureAwait(false)
            : exit;

    private static Command Verb(Command command, Action<Command>? configure = null)
    {
        configure?.Invoke(command);
        command.SetAction((parsed, _) => RunAsync(parsed, parsed.InvocationConfiguration.Output, parsed.InvocationConfiguration.Error));
        return command;
    }

    private static Option<string> LedgerUrl()
    {
        var url = new Option<string>("--url") { HelpName = "URL", Required = true };
        url.Validators.Add(LedgerCommandLine.MustBeHttpAddresses);
        return url;
    }

    private static Option<string> Days()
    {
        var days = new Option<string>("--expires-in-days") { HelpName = "N" };
        days.Validators.Add(result =>
        {
            if (result.Tokens is [{ } token] && Days(token.Value) is null)
                result.AddError("--expires-in-days takes 1 to 365.");
        });
        return days;
    }

    private static int? Days(string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var days) && days is > 0 and <= 365 ? days : null;

    private static Argument<string> Ballot()
    {
        var vote = new Argument<string>("for|against");
        vote.Validators.Add(result =>
        {
            if (result.Tokens is [{ Value: not (GovernancePayload.For or GovernancePayload.Against) } token])
                result.AddError($"the vote is for or against, not {token.Value}.");
        });
        return vote;
    }

    private static async Task<int> RunAsync(ParseResult parsed, TextWriter output, TextWriter error,
        IConfiguration? keySettings = null, HttpMessageHandler? handler = null, TimeProvider? time = null)
    {
        var options = Options.From(parsed);
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

        public static Options From(ParseResult parsed)
        {
            var verb = parsed.CommandResult.Command.Name;
            var url = LedgerCommandLine.BaseUrl(parsed.GetRequiredValue(UrlOption));
            if (verb == "list")
                return new Options(verb, url, null, null, null, null, null, null, 0, [], null);
            var actions = new List<GovernanceAction>();
            try
            {
                foreach (var (option, value) in LedgerCommandLine.InOrder(parsed, ActionNames))
                {
                    actions.Add(option switch
                    {
                        "--admit" => new GovernanceAction(GovernanceAction.Admit, ReadMember(value)),
                        "--rotate" => new GovernanceAction(GovernanceAction.Rotate, ReadMember(value)),
                        _ => new GovernanceAction(GovernanceAction.Remove, Name: value),
                    });
                }
            }
            catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException or JsonException)
            {
                return Failed(e.Message);
            }
            var proposal = verb == "propose" ? parsed.GetValue(ProposalIdOption) : parsed.GetRequiredValue(ProposalIdArgument);
            var vote = verb == "vote" ? parsed.GetRequiredValue(VoteArgument) : null;
            // A proposal expires after 7 days unless --expires-in-days says otherwise (its validator checked the range).
            var days = parsed.GetValue(ExpiresInDaysOption) is { } given ? Days(given) ?? 7 : 7;
            return new Options(verb, url, parsed.GetRequiredValue(TokenFileOption), parsed.GetRequiredValue(LedgerIdOption), parsed.GetRequiredValue(MemberOption),
                parsed.GetRequiredValue(ReplicaOption), proposal, vote, days, actions, null);
        }

        private static ConsortiumMember ReadMember(string path) =>
            JsonSerializer.Deserialize<ConsortiumMember>(File.ReadAllText(path), Json) ?? throw new JsonException($"{path} is empty.");

        private static Options Failed(string problem) => new(null, null, null, null, null, null, null, null, 0, [], problem);
    }
}
