using System.Net.Http;
using System.Net.Sockets;

namespace Platform.Testing;

/// <summary>Whether a Docker engine answers here, deciding between Testcontainers and the local binaries.</summary>
public static class DockerEngine
{
    private static readonly Lazy<bool> Answers = new(Probe);

    /// <summary><c>PLATFORM_TEST_SERVERS=local</c> or <c>=docker</c> forces the choice.</summary>
    public static bool IsAvailable => Environment.GetEnvironmentVariable("PLATFORM_TEST_SERVERS") switch
    {
        "local" => false,
        "docker" => true,
        _ => Answers.Value,
    };

    private static bool Probe()
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        var socketPath = host is not null && host.StartsWith("unix://", StringComparison.Ordinal) ? host["unix://".Length..] : "/var/run/docker.sock";
        if (host is not null && !host.StartsWith("unix://", StringComparison.Ordinal))
        {
            return true; // a remote engine was configured on purpose
        }
        if (!File.Exists(socketPath))
        {
            return false;
        }
        try
        {
            using var handler = new SocketsHttpHandler
            {
                ConnectCallback = async (_, ct) =>
                {
                    var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct);
                    return new NetworkStream(socket, ownsSocket: true);
                },
            };
            using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(3) };
            return client.GetAsync(new Uri("http://docker/_ping")).GetAwaiter().GetResult().IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or SocketException or TaskCanceledException or IOException)
        {
            return false;
        }
    }
}
