using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Platform.Hosting.Idempotency;

public static class IdempotencyEndpointExtensions
{
    /// <summary>
    /// The endpoint accepts an optional <c>Idempotency-Key</c> header: a retry with the same key returns the first
    /// answer and changes nothing. Documented in the OpenAPI description as a header parameter and the 409/422 answers.
    /// </summary>
    public static TBuilder WithIdempotencyKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.WithMetadata(IdempotentWriteMetadata.Instance);
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = IdempotencyKey.HeaderName,
                In = ParameterLocation.Header,
                Required = false,
                Description = "Optional (draft-ietf-httpapi-idempotency-key-header): a structured-field String, the key in double quotes, "
                    + $"1-{IdempotencyKey.MaxLength} printable ASCII characters; a UUID is recommended. A retry with the same key and the same "
                    + "request returns the first successful answer and changes nothing; keys are per caller and remembered for 24 hours "
                    + "(docs/idempotency.md).",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = IdempotencyKey.MaxLength + 2 },
                Example = System.Text.Json.Nodes.JsonValue.Create("\"8e03978e-40d5-43e8-bc93-6894a57f9324\""),
            });
            operation.Responses ??= [];
            Describe(operation, StatusCodes.Status409Conflict, "A request with this Idempotency-Key is still in flight (code idempotency_key_in_flight; Retry-After).");
            Describe(operation, StatusCodes.Status422UnprocessableEntity, "The Idempotency-Key was already used for a different request (code idempotency_key_reused).");
            return Task.CompletedTask;
        });
        return builder;
    }

    private static void Describe(OpenApiOperation operation, int status, string description)
    {
        var key = status.ToString(CultureInfo.InvariantCulture);
        if (operation.Responses!.TryGetValue(key, out var existing))
        {
            existing.Description = string.IsNullOrEmpty(existing.Description) ? description : existing.Description + " Or: " + description;
            return;
        }
        operation.Responses[key] = new OpenApiResponse { Description = description };
    }
}
