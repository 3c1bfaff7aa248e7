using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json.Nodes;

namespace Platform.Deployment.Tests.Images;

/// <summary>
/// An image archive as the SDK writes it (ContainerArchiveOutputPath: a Docker <c>save</c> tarball with
/// manifest.json, or an OCI image layout with index.json), read into its config and the union of its layers' files.
/// </summary>
public sealed class ImageArchive
{
    private ImageArchive(JsonObject config, IReadOnlyList<string> repoTags, IReadOnlyDictionary<string, ImageFile> files, int layerCount)
    {
        Config = config;
        RepoTags = repoTags;
        Files = files;
        LayerCount = layerCount;
    }

    /// <summary>The image configuration (architecture, os, config.Entrypoint/User/Env/ExposedPorts/Labels…).</summary>
    public JsonObject Config { get; }

    public IReadOnlyList<string> RepoTags { get; }

    /// <summary>Every path in the image's filesystem (absolute, no trailing slash), the last layer's entry winning.</summary>
    public IReadOnlyDictionary<string, ImageFile> Files { get; }

    public int LayerCount { get; }

    public JsonObject RuntimeConfig => Config["config"]!.AsObject();

    /// <summary>The path reached from <paramref name="path"/> after following symbolic links (relative or absolute).</summary>
    public string? Resolve(string path)
    {
        for (var hops = 0; hops < 16; hops++)
        {
            if (!Files.TryGetValue(path, out var file))
            {
                return null;
            }
            if (file.LinkTarget is null)
            {
                return path;
            }
            path = file.LinkTarget.StartsWith('/')
                ? file.LinkTarget
                : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, file.LinkTarget)).Replace('\\', '/');
        }
        return null;
    }

    public byte[] ReadFile(string path) => Files[Resolve(path) ?? throw new FileNotFoundException(path)].Content
        ?? throw new InvalidOperationException($"{path} is not a regular file");

    public static ImageArchive Read(string archivePath)
    {
        var entries = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using (var file = File.OpenRead(archivePath))
        using (var tar = new TarReader(Decompressed(file)))
        {
            while (tar.GetNextEntry() is { } entry)
            {
                if (entry.DataStream is not null)
                {
                    using var copy = new MemoryStream();
                    entry.DataStream.CopyTo(copy);
                    entries[entry.Name.TrimStart('.', '/')] = copy.ToArray();
                }
            }
        }

        string configPath;
        string[] layerPaths;
        IReadOnlyList<string> tags;
        if (entries.TryGetValue("manifest.json", out var dockerManifest))
        {
            var manifest = JsonNode.Parse(dockerManifest)!.AsArray().Single()!;
            configPath = (string)manifest["Config"]!;
            layerPaths = manifest["Layers"]!.AsArray().Select(l => (string)l!).ToArray();
            tags = manifest["RepoTags"]?.AsArray().Select(t => (string)t!).ToArray() ?? [];
        }
        else
        {
            var index = JsonNode.Parse(entries["index.json"])!;
            var descriptor = index["manifests"]!.AsArray().Single()!;
            var manifest = JsonNode.Parse(entries[Blob((string)descriptor["digest"]!)])!;
            configPath = Blob((string)manifest["config"]!["digest"]!);
            layerPaths = manifest["layers"]!.AsArray().Select(l => Blob((string)l!["digest"]!)).ToArray();
            // The full name is containerd's annotation; the OCI one holds only the tag.
            var annotations = descriptor["annotations"];
            tags = (annotations?["io.containerd.image.name"] ?? annotations?["org.opencontainers.image.ref.name"]) is { } name ? [(string)name!] : [];
        }

        var files = new Dictionary<string, ImageFile>(StringComparer.Ordinal);
        foreach (var layerPath in layerPaths)
        {
            using var layer = new TarReader(Decompressed(new MemoryStream(entries[layerPath])));
            while (layer.GetNextEntry() is { } entry)
            {
                var path = "/" + entry.Name.TrimStart('.', '/').TrimEnd('/');
                byte[]? content = null;
                if (entry.DataStream is not null)
                {
                    using var copy = new MemoryStream();
                    entry.DataStream.CopyTo(copy);
                    content = copy.ToArray();
                }
                files[path] = new ImageFile(entry.EntryType, entry.Mode, entry.Uid,
                    entry.EntryType is TarEntryType.SymbolicLink ? entry.LinkName : null, content);
            }
        }
        return new ImageArchive(JsonNode.Parse(entries[configPath])!.AsObject(), tags, files, layerPaths.Length);
    }

    private static string Blob(string digest) => "blobs/" + digest.Replace(':', '/');

    private static Stream Decompressed(Stream stream)
    {
        var buffered = new MemoryStream();
        stream.CopyTo(buffered);
        buffered.Position = 0;
        var gzip = buffered.Length > 2 && buffered.GetBuffer()[0] == 0x1f && buffered.GetBuffer()[1] == 0x8b;
        return gzip ? new GZipStream(buffered, CompressionMode.Decompress) : buffered;
    }
}

public sealed record ImageFile(TarEntryType Type, UnixFileMode Mode, int Uid, string? LinkTarget, byte[]? Content);
