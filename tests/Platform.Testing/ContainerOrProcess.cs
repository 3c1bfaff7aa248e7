using DotNet.Testcontainers.Containers;

namespace Platform.Testing;

/// <summary>
/// What a server fixture runs: a Testcontainers container, or a local process (plus its temporary directory).
/// Stopping it simulates an outage; disposing it cleans everything up.
/// </summary>
public sealed class ContainerOrProcess : IAsyncDisposable
{
    private readonly IContainer? _container;
    private readonly ExternalProcess? _process;
    private readonly string? _directory;

    public ContainerOrProcess(IContainer container) => _container = container;

    public ContainerOrProcess(ExternalProcess process, string? directory = null)
    {
        _process = process;
        _directory = directory;
    }

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

    public async ValueTask DisposeAsync()
    {
        if (_container is not null)
        {
            await _container.DisposeAsync();
        }
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
        if (_directory is not null && Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
