using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Platform.Consent.Decisions;

/// <summary>
/// Reads the <c>POST /decisions</c> body from the request's pipe and writes the answer with its length, both with the
/// HTTP JSON options' metadata for the two types (<see cref="DecisionJsonContext"/>, first in the resolver chain) and
/// so with the platform's rules: duplicate keys refused (<c>StrictJson</c>), web defaults. Issue 18: minimal APIs'
/// binding read the 150-byte body through an asynchronous deserializer and wrote the answer chunked, through a second
/// one; a decision's body is small and bounded (the endpoint's 16 KiB limit, which Kestrel enforces while it is read:
/// 413), so it is read whole, parsed in one call, and answered with a Content-Length.
/// Refusals are those the binding gave: 415 for a body that is not JSON, 400 for an empty, <c>null</c> or malformed one
/// (<c>invalid_json</c>, through <c>ProblemExceptionHandler</c>).
/// </summary>
public sealed class DecisionHttpJson(IOptions<HttpJsonOptions> options)
{
    private readonly JsonTypeInfo<DecisionBody> _body = (JsonTypeInfo<DecisionBody>)options.Value.SerializerOptions.GetTypeInfo(typeof(DecisionBody));
    private readonly JsonTypeInfo<DecisionResponse> _answer = (JsonTypeInfo<DecisionResponse>)options.Value.SerializerOptions.GetTypeInfo(typeof(DecisionResponse));

    public async ValueTask<DecisionBody> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            throw new BadHttpRequestException($"Expected a supported JSON media type but got \"{request.ContentType}\".", StatusCodes.Status415UnsupportedMediaType);
        }
        if (!IsUtf8(request.ContentType!))
        {
            // Another encoding (rare for a service): the framework's reader transcodes it.
            return await request.ReadFromJsonAsync(_body, cancellationToken) ?? throw NoBody();
        }
        var pipe = request.BodyReader;
        while (true)
        {
            var read = await pipe.ReadAsync(cancellationToken);
            if (read.IsCompleted)
            {
                try
                {
                    return Parse(read.Buffer);
                }
                finally
                {
                    pipe.AdvanceTo(read.Buffer.End);
                }
            }
            // Nothing consumed until the whole body is in: Kestrel stops it at the endpoint's size limit.
            pipe.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
    }

    public Task WriteAsync(HttpResponse response, DecisionResponse answer, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(answer, _answer);
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = json.Length;
        return response.Body.WriteAsync(json, 0, json.Length, cancellationToken);
    }

    private DecisionBody Parse(ReadOnlySequence<byte> body)
    {
        if (body.IsEmpty)
        {
            throw NoBody();
        }
        try
        {
            // The serializer's own checks (one value, nothing after it, depth) as for any JSON body.
            return (body.IsSingleSegment ? JsonSerializer.Deserialize(body.FirstSpan, _body) : JsonSerializer.Deserialize(body.ToArray(), _body))
                ?? throw NoBody();
        }
        catch (JsonException invalid)
        {
            throw new BadHttpRequestException("The request body is not valid JSON.", StatusCodes.Status400BadRequest, invalid);
        }
    }

    // No charset (JSON is UTF-8) or charset=utf-8; the media type itself was checked above.
    private static bool IsUtf8(string contentType) =>
        !contentType.Contains("charset", StringComparison.OrdinalIgnoreCase)
        || contentType.Equals("application/json; charset=utf-8", StringComparison.OrdinalIgnoreCase)
        || (MediaTypeHeaderValue.TryParse(contentType, out var parsed)
            && StringSegment.Equals(parsed.Charset, "utf-8", StringComparison.OrdinalIgnoreCase));

    private static BadHttpRequestException NoBody() =>
        new("A decision request needs a JSON object as its body.", StatusCodes.Status400BadRequest);
}
