using System.Collections.Concurrent;
using System.Diagnostics;

namespace Platform.Deployment.Tests.Images;

/// <summary>
/// The five images (four services, the clinician portal) as the SDK builds them (<c>dotnet publish -t:PublishContainer</c>, build/Container.props)
/// on top of <see cref="StandInBaseImage"/>, written to archives and read back. Built once per test run, on demand.
/// </summary>
public sealed class BuiltImages : IDisposable
{
    private readonly StandInRegistry _registry = new();
    private readonly string _baseImage;
    private readonly string _directory = Directory.CreateTempSubdirectory("platform-images-").FullName;
    private readonly ConcurrentDictionary<string, Lazy<ImageArchive>> _images = new();

    public BuiltImages() => _baseImage = StandInBaseImage.PublishTo(_registry);

    /// <summary>The image of one service (an app-id), built on first use; the build runs one at a time (2 cores).</summary>
    public ImageArchive Of(string appId) => _images.GetOrAdd(appId, id => new Lazy<ImageArchive>(() => Build(id))).Value;

    private static readonly object BuildLock = new();

    private ImageArchive Build(string appId)
    {
        lock (BuildLock)
        {
            var archive = Path.Combine(_directory, $"{appId}.tar.gz");
            var start = new ProcessStartInfo(ContainerImageTests.Dotnet)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = Repository.Root,
            };
            foreach (var argument in new[]
                     {
                         "publish", ContainerImageTests.Projects[appId], "-c", "Release", "-t:PublishContainer", "-nologo",
                         $"-p:ContainerBaseImage={_baseImage}", $"-p:ContainerArchiveOutputPath={archive}",
                     })
            {
                start.ArgumentList.Add(argument);
            }
            // The SDK speaks plain HTTP only to the registries named here.
            start.Environment["DOTNET_CONTAINER_INSECURE_REGISTRIES"] = _registry.Authority;
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
            {
                process.Kill(entireProcessTree: true);
            }
            Assert.True(process.HasExited && process.ExitCode == 0,
                $"dotnet publish {appId} -t:PublishContainer failed:\n{output.Result}\n{error.Result}\nregistry: {string.Join('\n', _registry.Requests)}");
            return ImageArchive.Read(archive);
        }
    }

    public void Dispose()
    {
        _registry.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
