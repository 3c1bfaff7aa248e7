using Testcontainers.Redis;
using Xunit;

namespace Platform.Testing;

/// <summary>A real Redis server: a Testcontainers container where a Docker engine answers, else redis-server on a free loopback port.</summary>
public sealed class RedisServer : IAsyncLifetime, IAsyncDisposable
{
    private ContainerOrProcess? _server;

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        if (DockerEngine.IsAvailable)
        {
            var container = new RedisBuilder("redis:7-alpine").Build();
            _server = new ContainerOrProcess(container);
            await container.StartAsync();
            ConnectionString = container.GetConnectionString();
            return;
        }

        var redisServer = RequiredTool.Find("Redis (redis-server)", "redis-server", "/usr/bin/redis-server", "/usr/local/bin/redis-server");
        var port = FreePort.Next();
        var process = ExternalProcess.Start(redisServer, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes");
        _server = new ContainerOrProcess(process);
        await FreePort.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(15), () => process.Output);
        ConnectionString = $"127.0.0.1:{port}";
    }

    /// <summary>Stops the server, as an outage would.</summary>
    public Task StopAsync() => _server?.StopAsync() ?? Task.CompletedTask;

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
