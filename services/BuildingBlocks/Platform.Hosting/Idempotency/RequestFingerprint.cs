using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Platform.Hosting.Idempotency;

/// <summary>
/// The draft's idempotency fingerprint: a checksum of the whole request payload, here with the method, the target
/// (path and query) and the content type, so the same key on another endpoint, record or body is a different request
/// (422), not a retry. Salted with the key's record id, so the stored hash of a low-entropy body (a KYC form) cannot
/// be matched against a dictionary or across keys. The body is buffered (memory, then a temporary file) and rewound for the endpoint.
/// </summary>
public static class RequestFingerprint
{
    public static async Task<string> ComputeAsync(HttpRequest request, string salt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var head = $"{salt}\n{request.Method}\n{request.PathBase}{request.Path}{request.QueryString}\n{request.ContentType}\n";
        hash.AppendData(Encoding.UTF8.GetBytes(head));
        request.EnableBuffering();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            hash.AppendData(buffer, 0, read);
        }
        request.Body.Position = 0;
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
