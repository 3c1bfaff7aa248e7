using System.Net;
using System.Text;
using System.Text.Json;
using Platform.Ledger.Verification;
using Xunit.Abstractions;

namespace Platform.Security.Tests;

/// <summary>
/// The bad-input corpus against the governance POSTs of a ledger that is a consortium (<see cref="ConsortiumLedger"/>),
/// past the administrator check: malformed, oversized, unsigned and forged documents each get their problem+json
/// code, and after every refusal the proposal list and the log are as they were. (The dev host's ledger is run by one
/// operator, so <see cref="BadInputTests"/> only shows these endpoints answering <c>not_a_consortium</c>.)
/// </summary>
public sealed class GovernanceBadInputTests(ConsortiumLedger ledger, ITestOutputHelper output) : IClassFixture<ConsortiumLedger>
{
    private const string Open = "corpus-open";
    private const long FarFuture = 4102444800000; // 2100-01-01

    private static HttpContent Json(string text, string mediaType = "application/json") => new StringContent(text, Encoding.UTF8, mediaType);

    public static TheoryData<string> Endpoints() => ["/governance/proposals", $"/governance/proposals/{Open}/ballots", $"/governance/proposals/{Open}/withdrawal"];

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Every_malformed_oversized_unsigned_or_forged_document_is_refused_with_its_code_and_nothing_is_written(string path)
    {
        await EnsureOpenProposalAsync();
        var payload = Payload(path);

        // The corpus' valid body: a well-formed document in the member's name whose signature is the member key's
        // over other bytes (forged), so that every mutation of it, however harmless, must still be refused.
        var forged = await SignAsync(payload, over: payload with { Member = "someone else" });
        var corpus = BadInputs.ForJson(JsonSerializer.Serialize(forged), 1024 * 1024)
            .Concat(Attacks(path, payload, forged, await SignAsync(payload)))
            .ToList();

        var failures = new List<string>();
        foreach (var input in corpus)
        {
            var before = await ledger.WrittenStateAsync();
            using var request = new HttpRequestMessage(HttpMethod.Post, input.Path ?? path) { Content = input.Body() };
            request.Headers.Authorization = new("Bearer", ledger.AdminToken);
            request.Headers.ExpectContinue = true;
            using var response = await ledger.Client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            var status = (int)response.StatusCode;
            var code = TryCode(body);
            var problem = status is < 400 or >= 500 ? $"answered {status}"
                : response.Content.Headers.ContentType?.MediaType != "application/problem+json" ? $"answered {status} {response.Content.Headers.ContentType?.MediaType}, not problem+json"
                : input.Status is { } expected && status != expected ? $"answered {status}, not {expected}"
                : input.Code is { } expectedCode && code != expectedCode ? $"code {code}, not {expectedCode}"
                : await ledger.WrittenStateAsync() != before ? "the proposals or the log changed"
                : null;
            if (problem is not null)
                failures.Add($"{input.Name}: {problem}: {body[..Math.Min(body.Length, 300)]}");
        }
        output.WriteLine($"{path}: {corpus.Count} bad inputs sent");
        Assert.True(failures.Count == 0, $"{failures.Count} of {corpus.Count} were not refused properly:\n" + string.Join('\n', failures));
        Assert.True(corpus.Count >= 20, $"Only {corpus.Count} inputs.");
    }

    [Fact]
    public async Task The_corpus_aims_at_endpoints_that_write_a_document_the_member_did_sign()
    {
        // The control: without it, "nothing was written" could mean nothing can be.
        var before = await ledger.WrittenStateAsync();
        var proposal = await SignAsync(new GovernancePayload(GovernancePayload.Proposal, ConsortiumLedger.LedgerId, "corpus-control", ConsortiumLedger.Member,
            [new GovernanceAction(GovernanceAction.Admit, ledger.Newcomer)], FarFuture));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/governance/proposals") { Content = Json(JsonSerializer.Serialize(proposal)) };
        request.Headers.Authorization = new("Bearer", ledger.AdminToken);
        using var response = await ledger.Client.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        Assert.NotEqual(before, await ledger.WrittenStateAsync());
    }

    /// <summary>The governance rules' own refusals, each with the code it must get.</summary>
    private IEnumerable<BadInput> Attacks(string path, GovernancePayload payload, SignedGovernanceDocument forged, SignedGovernanceDocument genuine)
    {
        string Document(SignedGovernanceDocument document) => JsonSerializer.Serialize(document);
        yield return new("unsigned: no signature", () => Json(Document(genuine with { Signature = "" })), Status: 400, Code: "bad_request");
        yield return new("unsigned: no replica and key id", () => Json(Document(genuine with { Replica = "", Kid = "" })), Status: 400, Code: "bad_request");
        yield return new("a payload that is not base64url", () => Json(Document(genuine with { Payload = "not base64url!" })), Status: 400, Code: "bad_request");
        yield return new("a payload that is not JSON", () => Json(Document(genuine with { Payload = "bm90IGpzb24" })), Status: 400, Code: "bad_request");
        yield return new("a payload of another kind", () => Json(Document(SignAsync(payload with { Kind = payload.Kind == GovernancePayload.Ballot ? GovernancePayload.Withdrawal : GovernancePayload.Ballot }).Result)), Status: 400, Code: "bad_request");
        yield return new($"an oversized document (over 1 MiB)", () => Json(Document(genuine with { Kid = new string('k', 1024 * 1024 + 1) })), Status: 413);
        yield return new("forged: the signature over other bytes", () => Json(Document(forged)), Status: 422, Code: "governance_refused");
        yield return new("forged: a zero signature", () => Json(Document(genuine with { Signature = Convert.ToBase64String(new byte[64]).TrimEnd('=') })), Status: 422, Code: "governance_refused");
        yield return new("forged: a key id no member has", () => Json(Document(genuine with { Kid = "no-such-key" })), Status: 422, Code: "governance_refused");
        yield return new("forged: the payload changed after signing", () => Json(Document(genuine with
        {
            Payload = System.Buffers.Text.Base64Url.EncodeToString(SignedGovernanceDocument.PayloadBytes(payload with { Member = "Corpus Sud" })),
        })), Status: 422, Code: "governance_refused");
        yield return new("another ledger's document", () => Json(Document(SignAsync(payload with { LedgerId = "another-ledger" }).Result)), Status: 422, Code: "governance_refused");
        if (path != "/governance/proposals")
        {
            var unknown = payload with { ProposalId = "corpus-no-such-proposal" };
            yield return new("a proposal that does not exist", () => Json(Document(SignAsync(unknown).Result)),
                Path: path.Replace(Open, unknown.ProposalId, StringComparison.Ordinal), Status: 404, Code: "unknown_proposal");
        }
        else
        {
            yield return new("a proposal id that is taken", () => Json(Document(SignAsync(payload with { ProposalId = Open }).Result)), Status: 422, Code: "governance_refused");
        }
    }

    private GovernancePayload Payload(string path) => path switch
    {
        "/governance/proposals" => new(GovernancePayload.Proposal, ConsortiumLedger.LedgerId, "corpus-new", ConsortiumLedger.Member,
            [new GovernanceAction(GovernanceAction.Admit, ledger.Newcomer)], FarFuture),
        _ when path.EndsWith("/ballots", StringComparison.Ordinal) => new(GovernancePayload.Ballot, ConsortiumLedger.LedgerId, Open, ConsortiumLedger.Member, Vote: GovernancePayload.For),
        _ => new(GovernancePayload.Withdrawal, ConsortiumLedger.LedgerId, Open, ConsortiumLedger.Member),
    };

    // An open proposal for the ballot and withdrawal corpus to aim at (signed by the member: accepted once).
    private async Task EnsureOpenProposalAsync()
    {
        using var existing = await ledger.Client.GetAsync($"/governance/proposals/{Open}");
        if (existing.StatusCode == HttpStatusCode.OK)
            return;
        var proposal = await SignAsync(new GovernancePayload(GovernancePayload.Proposal, ConsortiumLedger.LedgerId, Open, ConsortiumLedger.Member,
            [new GovernanceAction(GovernanceAction.Admit, ledger.Newcomer)], FarFuture));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/governance/proposals") { Content = Json(JsonSerializer.Serialize(proposal)) };
        request.Headers.Authorization = new("Bearer", ledger.AdminToken);
        using var response = await ledger.Client.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A document carrying <paramref name="payload"/>, signed by the member's key over <paramref name="over"/> (the payload itself by default).</summary>
    private async Task<SignedGovernanceDocument> SignAsync(GovernancePayload payload, GovernancePayload? over = null)
    {
        var signed = await SignedGovernanceDocument.SignAsync(over ?? payload, ConsortiumLedger.Replica, ledger.MemberKey.KeyId,
            bytes => ledger.MemberKey.SignAsync(bytes, CancellationToken.None));
        return over is null ? signed : signed with { Payload = System.Buffers.Text.Base64Url.EncodeToString(SignedGovernanceDocument.PayloadBytes(payload)) };
    }

    private static string? TryCode(string body)
    {
        try
        {
            return JsonDocument.Parse(body).RootElement.TryGetProperty("code", out var code) ? code.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
