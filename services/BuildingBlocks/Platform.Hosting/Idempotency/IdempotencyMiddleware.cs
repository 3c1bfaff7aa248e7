using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Platform.Hosting.Idempotency;

/// <summary>
/// Runs an endpoint marked <see cref="IdempotentWriteMetadata"/> under the request's <c>Idempotency-Key</c>, if it has one:
/// <list type="number">
/// <item>the key is validated (400) and scoped to the caller; the request is fingerprinted;</item>
/// <item>a claim is committed in the service's database: a completed same request is replayed, a different request
/// with the key is 422, one still in flight is 409;</item>
/// <item>the endpoint runs inside a transaction of the service's scoped <typeparamref name="TContext"/> (its own
/// SaveChanges join it) with its answer buffered; a 2xx answer is stored under the claim in that same transaction,
/// so the effect and the remembered answer commit together or not at all; then the answer is sent.</item>
/// </list>
/// An answer that is not a success is not remembered: the endpoint's own writes (a refusal's audit) commit as they
/// would without a key, the claim is released, and the client may retry with the same key.
/// </summary>
public sealed partial class IdempotencyMiddleware<TContext>(
    RequestDelegate next, IOptions<IdempotencyOptions> options, TimeProvider time, ILogger<IdempotencyMiddleware<TContext>> logger)
    where TContext : DbContext
{
    private readonly IdempotencyOptions _options = options.Value;

    public async Task InvokeAsync(HttpContext http)
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<IdempotentWriteMetadata>() is null
            || !http.Request.Headers.TryGetValue(IdempotencyKey.HeaderName, out var fieldLines))
        {
            await next(http);
            return;
        }
        if (!IdempotencyKey.TryParse(fieldLines, out var key, out var error))
        {
            await IdempotencyProblems.WriteInvalidAsync(http, error);
            return;
        }
        if (IdempotencyScope.CallerOf(http.User) is not { } caller)
        {
            await IdempotencyProblems.WriteInvalidAsync(http, "Idempotency keys are kept per caller, and this token names none (no sub or client_id).");
            return;
        }
        var id = IdempotencyScope.RecordId(caller, key);
        var fingerprint = await RequestFingerprint.ComputeAsync(http.Request, id, http.RequestAborted);
        var db = http.RequestServices.GetRequiredService<TContext>();

        switch (await IdempotencyStore.ClaimAsync(db, id, fingerprint, _options, Now, http.RequestAborted))
        {
            case ClaimOutcome.Replay replay:
                await ReplayAsync(http, replay.Record);
                return;
            case ClaimOutcome.Mismatch:
                await IdempotencyProblems.WriteReusedAsync(http);
                return;
            case ClaimOutcome.InFlight inFlight:
                await IdempotencyProblems.WriteInFlightAsync(http, inFlight.RetryAfter);
                return;
            case ClaimOutcome.Claimed claimed:
                await RunClaimedAsync(http, db, id, claimed.Token);
                return;
        }
    }

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    private async Task RunClaimedAsync(HttpContext http, TContext db, string id, Guid token)
    {
        // The answer is held back until the transaction committed: a client never hears of an effect that a crash
        // could still undo, and the stored answer is exactly the one sent.
        IDbContextTransaction transaction;
        try
        {
            transaction = await db.Database.BeginTransactionAsync(http.RequestAborted);
        }
        catch
        {
            await ReleaseAsync(db, id, token);
            throw;
        }
        var responseFeature = http.Features.Get<IHttpResponseBodyFeature>()!;
        using var buffer = new MemoryStream();
        var bufferFeature = new StreamResponseBodyFeature(buffer, responseFeature);
        http.Features.Set<IHttpResponseBodyFeature>(bufferFeature);
        try
        {
            try
            {
                await next(http);
            }
            catch
            {
                http.Features.Set(responseFeature);
                // Whatever the endpoint saved before it failed stays saved, as it would without a key (a refusal's
                // audit); the answer is an error, so the key is released for a retry.
                await FinishUnsuccessfulAsync(db, transaction, id, token);
                throw;
            }
            await bufferFeature.Writer.FlushAsync(CancellationToken.None);
            http.Features.Set(responseFeature);
            var status = http.Response.StatusCode;
            if (status is < 200 or > 299)
            {
                await FinishUnsuccessfulAsync(db, transaction, id, token);
            }
            else
            {
                // Past this point a client that went away must not undo what the endpoint did: no cancellation.
                bool stored;
                try
                {
                    stored = await IdempotencyStore.CompleteAsync(db, id, token, status, StoredHeaders(http.Response), buffer.ToArray(), Now, CancellationToken.None);
                    if (stored)
                    {
                        await transaction.CommitAsync(CancellationToken.None);
                    }
                }
                catch
                {
                    // Neither the effect nor the answer was committed: the key is free for a retry.
                    await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    await ReleaseAsync(db, id, token);
                    throw;
                }
                if (!stored)
                {
                    // The claim outlived its lease and another request took the key over: this one must not take
                    // effect as well.
                    await transaction.RollbackAsync(CancellationToken.None);
                    http.Response.Clear();
                    await IdempotencyProblems.WriteInFlightAsync(http, _options.InFlightLease);
                    return;
                }
            }
        }
        finally
        {
            await transaction.DisposeAsync();
        }
        buffer.Position = 0;
        await buffer.CopyToAsync(http.Response.Body, http.RequestAborted);
    }

    private async Task FinishUnsuccessfulAsync(TContext db, IDbContextTransaction transaction, string id, Guid token)
    {
        try
        {
            await transaction.CommitAsync(CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The endpoint's own failure is what the client hears; a commit that fails too changed nothing.
            LogCommitFailed(logger, ex.GetType().Name);
        }
        await ReleaseAsync(db, id, token);
    }

    private async Task ReleaseAsync(TContext db, string id, Guid token)
    {
        try
        {
            await IdempotencyStore.ReleaseAsync(db, id, token, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The claim expires with its lease; until then a retry hears 409.
            LogReleaseFailed(logger, ex.GetType().Name);
        }
    }

    private string StoredHeaders(HttpResponse response)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in _options.ReplayedHeaders)
        {
            if (response.Headers.TryGetValue(name, out var value) && value.Count > 0)
            {
                headers[name] = value.ToString();
            }
        }
        return JsonSerializer.Serialize(headers);
    }

    private static async Task ReplayAsync(HttpContext http, IdempotencyRecord record)
    {
        http.Response.StatusCode = record.StatusCode ?? StatusCodes.Status200OK;
        if (record.Headers is { Length: > 0 } json)
        {
            foreach (var (name, value) in JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [])
            {
                http.Response.Headers[name] = value;
            }
        }
        if (record.Body is { Length: > 0 } body)
        {
            http.Response.ContentLength = body.Length;
            await http.Response.Body.WriteAsync(body, http.RequestAborted);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Committing after an unsuccessful idempotent request failed ({ExceptionType})")]
    private static partial void LogCommitFailed(ILogger logger, string exceptionType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Releasing an idempotency key failed ({ExceptionType}); it frees itself when its lease ends")]
    private static partial void LogReleaseFailed(ILogger logger, string exceptionType);
}
