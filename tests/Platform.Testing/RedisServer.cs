using Testcontainers.Redis;
using Xunit;

namespace Platform.Testing;

/// <summary>A real Redis server: a Testcontainers container where a Docker engine answers, else redis-server on a free loopback port.</summary>
public sealed class RedisServer : IAsyncLifetime, IAsyncDisposable
{
    private RedisContainer? _container;
    private ExternalProcess? _process;

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        if (DockerEngine.IsAvailable)
        {
            _container = new RedisBuilder("redis:7-alpine").Build();
            await _container.StartAsync();
            ConnectionString = _container.GetConnectionString();
            return;
        }

        var redisServer = RequiredTool.Find("Redis (redis-server)", "redis-server", "/usr/bin/redis-server", "/usr/local/bin/redis-server");
        var port = FreePort.Next();
        _process = ExternalProcess.Start(redisServer, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes");
        await FreePort.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(15), () => _process.Output);
        ConnectionString = $"127.0.0.1:{port}";
    }

    /// <summary>Stops the server, as an outage would.</summary>
    public async Task StopAsync()
    {
        if (_container is not null)
        {
            await _container.StopAsync();
        }
        if (_process is not null)
        {
            await _process.StopAsync();
        }
    }

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();

    public async Task DisposeAsync()
    {
        if (_container is not null)
        {
            await _container.DisposeAsync();
        }
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }
}
