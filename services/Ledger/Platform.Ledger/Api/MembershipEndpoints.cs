using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Platform.Ledger.Node;
using Platform.Ledger.Replication;

using Platform.Ledger.Api.Authorization;

namespace Platform.Ledger.Api;

/// <summary>
/// Membership changes, on the leader, one replica at a time, by name (one of <c>Ledger:Replicas</c>):
/// <c>POST /admin/members/{name}</c> catches the replica up and adds it; <c>DELETE /admin/members/{name}</c>
/// removes it. The other replicas keep running and committing throughout (docs/ledger.md#membership-changes).
/// </summary>
public static class MembershipEndpoints
{
    private static readonly TimeSpan ChangeTimeout = TimeSpan.FromSeconds(60);

    public sealed record MembershipResponse(string Change, string Replica, IReadOnlyList<string> Members);

    public static IEndpointRouteBuilder MapMembershipEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin/members")
            .RequireAuthorization(LedgerPolicies.Administer)
            .WithTags("Ledger administration");
        admin.MapPost("/{name}", (string name, HttpContext http, LedgerNode node) => ChangeAsync(name, add: true, http, node))
            .WithSummary("Add a replica to the membership (on the leader): it is caught up first, then the new membership is committed.");
        admin.MapDelete("/{name}", (string name, HttpContext http, LedgerNode node) => ChangeAsync(name, add: false, http, node))
            .WithSummary("Remove a replica from the membership (on the leader).");
        return app;
    }

    private static async Task<IResult> ChangeAsync(string name, bool add, HttpContext http, LedgerNode node)
    {
        if (node.ReplicaNamed(name) is not { } replica)
        {
            return LedgerProblems.NotFound($"No replica named '{name}' is in Ledger:Replicas.", "unknown_replica");
        }
        var member = replica.ParseRaftEndPoint();
        try
        {
            var change = add
                ? await node.Replica.AddMemberAsync(member, ChangeTimeout, http.RequestAborted)
                : await node.Replica.RemoveMemberAsync(member, ChangeTimeout, http.RequestAborted);
            return change switch
            {
                MembershipChange.Changed or MembershipChange.Unchanged => Results.Ok(new MembershipResponse(
                    change == MembershipChange.Changed ? (add ? "added" : "removed") : "unchanged", name, MemberNames(node))),
                MembershipChange.Busy => Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Another membership change is running.",
                    detail: "Replicas are added and removed one at a time; retry when the running change is done.",
                    extensions: new Dictionary<string, object?> { ["code"] = "membership_change_in_progress" }),
                _ => Unreachable(http, name),
            };
        }
        catch (NotLeaderException notLeader)
        {
            var leader = notLeader.Leader is { } endpoint ? node.ReplicaOf(endpoint) : null;
            return Results.Problem(statusCode: StatusCodes.Status421MisdirectedRequest, title: "This replica is not the leader.",
                detail: leader is null ? "No leader is known; retry shortly." : $"Send the request to the leader, {leader.Name} ({leader.ApiUrl}).",
                extensions: new Dictionary<string, object?> { ["code"] = "not_leader", ["leader"] = leader?.Name, ["leaderUrl"] = leader?.ApiUrl?.ToString() });
        }
        catch (QuorumUnavailableException)
        {
            return LedgerProblems.QuorumUnavailable(http);
        }
    }

    private static IResult Unreachable(HttpContext http, string name)
    {
        http.Response.Headers.RetryAfter = "5";
        return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The replica did not catch up.",
            detail: $"{name} did not take the log from the leader (not running, unreachable, or refusing its certificate); it was not added.",
            extensions: new Dictionary<string, object?> { ["code"] = "member_not_caught_up" });
    }

    private static string[] MemberNames(LedgerNode node) =>
        [.. node.Replica.Members.Select(m => node.ReplicaOf(m)?.Name ?? RaftEndPoints.Format(m))];
}
