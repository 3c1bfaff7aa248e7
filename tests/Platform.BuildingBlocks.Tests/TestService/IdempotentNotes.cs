using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Platform.Hosting.Idempotency;
using Platform.Messaging.Outbox;
using Platform.ServiceDefaults;

namespace Platform.BuildingBlocks.Tests.TestService;

/// <summary>
/// A write endpoint with idempotency keys, like the services': <c>POST /idempotent/notes</c> saves a note and its
/// event and answers 201 with Location and ETag. Text "wait" holds the request at <see cref="NoteGate"/> after
/// its write; text "refuse" saves a note and then refuses (409), like a refusal whose audit is kept.
/// </summary>
public static class IdempotentNotes
{
    public sealed record NoteBody(string Text);

    public static void Map(IEndpointRouteBuilder app)
    {
        var policy = new AuthorizationPolicyBuilder(TestCallerAuthentication.SchemeName).RequireAuthenticatedUser().Build();
        app.MapPost("/idempotent/notes", async (NoteBody body, TestDbContext db, NoteGate gate, HttpContext http, CancellationToken ct) =>
            {
                var note = new Note { Id = Guid.NewGuid(), Text = body.Text };
                db.Notes.Add(note);
                db.AddIntegrationEvent(new NoteAddedV1(note.Id), TestServiceApp.Identity.Name);
                await db.SaveChangesAsync(ct);
                if (body.Text == "wait")
                {
                    gate.Arrive();
                    await gate.Open.Task.WaitAsync(ct);
                }
                if (body.Text == "refuse")
                {
                    throw ProblemException.Conflict("Refused after saving.", "scripted_refusal");
                }
                http.Response.Headers.ETag = $"\"{note.Id:N}\"";
                return Results.Created($"/notes/{note.Id}", new { id = note.Id, text = note.Text });
            })
            .RequireAuthorization(policy)
            .WithIdempotencyKey();
    }

    public static async Task<int> CountAsync(TestDbContext db, string text) => await db.Notes.CountAsync(n => n.Text == text);
}

/// <summary>Holds a "wait" note request after its write until the test opens it (singleton shared with the test).</summary>
public sealed class NoteGate
{
    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public TaskCompletionSource Open { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private int _arrived;

    /// <summary>How many requests have reached the gate.</summary>
    public int Arrived => Volatile.Read(ref _arrived);

    public void Arrive()
    {
        Interlocked.Increment(ref _arrived);
        Entered.TrySetResult();
    }
}
