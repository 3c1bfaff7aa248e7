using System.Buffers;
using Microsoft.AspNetCore;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Platform.Identity.Oidc;

/// <summary>
/// Writes the token endpoint's JSON answer in place of OpenIddict's <c>ProcessJsonResponse</c> for that endpoint, which
/// serialises each answer into a new <see cref="MemoryStream"/> through a new <see cref="Utf8JsonWriter"/> and copies
/// it to the body (about 6 KiB per token; issue 18). Here the writer and its buffer are kept per thread and the bytes
/// copied into the response's pipe before anything is awaited, so no other request can reuse the buffer meanwhile.
/// The bytes are OpenIddict's: the same message serialisation, relaxed escaping, compact (the server suppresses
/// indentation), the same Content-Length and Content-Type, and the request marked handled.
/// </summary>
public sealed class BufferedTokenResponseWriter : IOpenIddictServerHandler<ApplyTokenResponseContext>
{
    public const string ContentType = "application/json;charset=UTF-8";

    public static OpenIddictServerHandlerDescriptor Descriptor { get; }
        = OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyTokenResponseContext>()
            .AddFilter<OpenIddictServerAspNetCoreHandlerFilters.RequireHttpRequest>()
            .UseSingletonHandler<BufferedTokenResponseWriter>()
            .SetOrder(OpenIddictServerAspNetCoreHandlers.ProcessJsonResponse<ApplyTokenResponseContext>.Descriptor.Order)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };

    [ThreadStatic] private static ArrayBufferWriter<byte>? _threadBuffer;
    [ThreadStatic] private static Utf8JsonWriter? _threadWriter;

    public ValueTask HandleAsync(ApplyTokenResponseContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = context.Transaction.GetHttpRequest()?.HttpContext.Response
            ?? throw new InvalidOperationException("The ASP.NET Core request cannot be retrieved.");
        if (context.Logger.IsEnabled(LogLevel.Information))
        {
            // OpenIddict's own message (ID6142); the message's ToString redacts tokens and secrets.
            context.Logger.LogInformation("The response was successfully returned as a JSON document: {Response}.", context.Transaction.Response);
        }

        var buffer = _threadBuffer ??= new ArrayBufferWriter<byte>(1024);
        var writer = _threadWriter ??= new Utf8JsonWriter(buffer, Compact);
        try
        {
            writer.Reset(buffer);
            context.Transaction.Response!.WriteTo(writer);
            writer.Flush();
            response.ContentLength = buffer.WrittenCount;
            response.ContentType = ContentType;
            // Copied out before the first await: the buffer belongs to this thread, not to this request.
            response.BodyWriter.Write(buffer.WrittenSpan);
        }
        finally
        {
            buffer.ResetWrittenCount();
            if (buffer.Capacity > 64 * 1024)
            {
                _threadBuffer = null; // an unusually large answer: do not keep its buffer for the thread's lifetime
                _threadWriter = null;
            }
        }
        var flush = response.BodyWriter.FlushAsync(context.CancellationToken);
        if (flush.IsCompletedSuccessfully)
        {
            context.HandleRequest();
            return default;
        }
        return AwaitFlush(flush, context);
    }

    private static async ValueTask AwaitFlush(ValueTask<System.IO.Pipelines.FlushResult> flush, ApplyTokenResponseContext context)
    {
        await flush;
        context.HandleRequest();
    }
}
