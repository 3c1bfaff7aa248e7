using Npgsql;
using Testcontainers.PostgreSql;
using Xunit;

namespace Platform.Testing;

/// <summary>
/// A real PostgreSQL server for the tests: a Testcontainers container where a Docker engine answers, else the
/// distribution's server initialised in a temporary directory and started on a free loopback port.
/// Each test asks for a database of its own.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime, IAsyncDisposable
{
    private ContainerOrProcess? _server;
    private string _adminConnectionString = "";

    public async Task InitializeAsync()
    {
        if (DockerEngine.IsAvailable)
        {
            var container = new PostgreSqlBuilder("postgres:16-alpine").Build();
            _server = new ContainerOrProcess(container);
            await container.StartAsync();
            _adminConnectionString = container.GetConnectionString();
            return;
        }

        var initdb = RequiredTool.Find("PostgreSQL (initdb)", "postgresql", "/usr/lib/postgresql/*/bin/initdb", "/usr/bin/initdb");
        var binDirectory = Path.GetDirectoryName(initdb)!;
        var directory = Directory.CreateTempSubdirectory("platform-pg-").FullName;
        var data = Path.Combine(directory, "data");
        var asServerUser = LocalServerUser.Prepare(directory);

        await ExternalProcess.RunAsync(asServerUser.Command, [.. asServerUser.Prefix, initdb, "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"]);
        var port = FreePort.Next();
        var process = ExternalProcess.Start(asServerUser.Command, [.. asServerUser.Prefix, Path.Combine(binDirectory, "postgres"), "-D", data,
            "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-k", directory,
            "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]);
        _server = new ContainerOrProcess(process, directory);
        await FreePort.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(30), () => process.Output);
        _adminConnectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Password=postgres;Database=postgres;Pooling=false";
        await WaitForQueriesAsync();
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 63)];
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = name, Pooling = true, Timeout = 3 }.ConnectionString;
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

    private async Task WaitForQueriesAsync()
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await using var connection = new NpgsqlConnection(_adminConnectionString);
                await connection.OpenAsync();
                return;
            }
            catch (NpgsqlException) when (attempt < 50)
            {
                await Task.Delay(100); // accepting connections but still starting up
            }
        }
    }
}
