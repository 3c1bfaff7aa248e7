using System.Net;
using System.Security.Cryptography;
using Platform.Testing;

namespace Platform.Deployment.Tests.Images;

/// <summary>
/// A read-only OCI registry on loopback (the pull half of the OCI Distribution Specification: <c>/v2/</c>, manifests
/// and blobs by digest, HEAD and GET) serving one stand-in base image, so that the .NET SDK can build the services'
/// images here, where the real base cannot be pulled and no Docker engine runs. The SDK is told it may use plain
/// HTTP through DOTNET_CONTAINER_INSECURE_REGISTRIES.
/// </summary>
public sealed class StandInRegistry : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Dictionary<string, (string MediaType, byte[] Content)> _manifests = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _blobs = new(StringComparer.Ordinal);
    private readonly List<string> _requests = [];

    public StandInRegistry()
    {
        Port = FreePort.Next();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public int Port { get; }

    /// <summary>host:port, as image references and DOTNET_CONTAINER_INSECURE_REGISTRIES name it.</summary>
    public string Authority => $"127.0.0.1:{Port}";

    /// <summary>Every request served, "METHOD path status", for failure messages.</summary>
    public IReadOnlyList<string> Requests { get { lock (_requests) { return [.. _requests]; } } }

    public string AddBlob(byte[] content)
    {
        var digest = Digest(content);
        lock (_blobs)
        {
            _blobs[digest] = content;
        }
        return digest;
    }

    /// <summary>Serves a manifest (or index) under its digest and, when given, a tag.</summary>
    public string AddManifest(string repository, string mediaType, byte[] content, string? tag = null)
    {
        var digest = Digest(content);
        lock (_manifests)
        {
            _manifests[$"{repository}@{digest}"] = (mediaType, content);
            if (tag is not null)
            {
                _manifests[$"{repository}:{tag}"] = (mediaType, content);
            }
        }
        return digest;
    }

    public static string Digest(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            try
            {
                Answer(context);
            }
            finally
            {
                lock (_requests)
                {
                    _requests.Add($"{context.Request.HttpMethod} {context.Request.Url?.AbsolutePath} {context.Response.StatusCode}");
                }
                context.Response.Close();
            }
        }
    }

    private void Answer(HttpListenerContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var path = request.Url!.AbsolutePath;
        if (request.HttpMethod is not ("GET" or "HEAD"))
        {
            response.StatusCode = 405; // read-only: the SDK writes the built image to an archive, not here
            return;
        }
        if (path == "/v2/")
        {
            response.StatusCode = 200;
            return;
        }
        (string MediaType, byte[] Content)? found = null;
        var manifest = path.IndexOf("/manifests/", StringComparison.Ordinal);
        var blob = path.IndexOf("/blobs/", StringComparison.Ordinal);
        if (manifest > 3)
        {
            var repository = path[4..manifest];
            var reference = path[(manifest + "/manifests/".Length)..];
            var key = reference.StartsWith("sha256:", StringComparison.Ordinal) ? $"{repository}@{reference}" : $"{repository}:{reference}";
            lock (_manifests)
            {
                if (_manifests.TryGetValue(key, out var m))
                {
                    found = m;
                }
            }
        }
        else if (blob > 3)
        {
            lock (_blobs)
            {
                if (_blobs.TryGetValue(path[(blob + "/blobs/".Length)..], out var b))
                {
                    found = ("application/octet-stream", b);
                }
            }
        }
        if (found is not { } item)
        {
            response.StatusCode = 404;
            return;
        }
        response.StatusCode = 200;
        response.ContentType = item.MediaType;
        response.ContentLength64 = item.Content.Length;
        response.AddHeader("Docker-Content-Digest", Digest(item.Content));
        if (request.HttpMethod == "GET")
        {
            response.OutputStream.Write(item.Content);
        }
    }

    public void Dispose()
    {
        // Close alone: the managed HttpListener's Stop already unregisters its port, and a Close after it registers the
        // port again to unregister it, which throws "Address already in use" once another process has taken the port.
        _listener.Close();
    }
}
