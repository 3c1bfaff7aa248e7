using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Platform.Deployment.Tests.Images;

/// <summary>
/// A stand-in for mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled-extra with the same shape where the SDK and the
/// tests look: an image index with a linux/amd64 manifest, the config the real image publishes (the non-root app
/// user 1654 as <c>APP_UID</c> and <c>User</c>, <c>ASPNETCORE_HTTP_PORTS=8080</c>, <c>PATH</c>), and a layer with
/// the runtime's file layout (<c>/usr/bin/dotnet</c> linking to <c>/usr/share/dotnet/dotnet</c>, the shared
/// frameworks' folders, <c>/etc/passwd</c>, <c>/tmp</c>). Its files are placeholders: it proves what the SDK puts on
/// top of a base, not that the runtime starts (docs/deploy.md says which is which).
/// </summary>
public static class StandInBaseImage
{
    public const string Repository = "dotnet/aspnet";
    public const string Tag = "10.0-noble-chiseled-extra";
    public const int AppUid = 1654;

    /// <summary>The shared frameworks the real image carries; the apps' runtimeconfig.json must ask for these.</summary>
    public static readonly string[] Frameworks = ["Microsoft.NETCore.App", "Microsoft.AspNetCore.App"];

    public const string RuntimeVersion = "10.0.0";

    /// <summary>Publishes the image to the registry; returns the reference for ContainerBaseImage.</summary>
    public static string PublishTo(StandInRegistry registry)
    {
        var layerTar = Layer();
        var layer = Gzip(layerTar);
        var layerDigest = registry.AddBlob(layer);
        var config = JsonSerializer.SerializeToUtf8Bytes(new JsonObject
        {
            ["architecture"] = "amd64",
            ["os"] = "linux",
            ["config"] = new JsonObject
            {
                ["Env"] = new JsonArray(
                    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                    $"APP_UID={AppUid}",
                    "ASPNETCORE_HTTP_PORTS=8080",
                    "DOTNET_RUNNING_IN_CONTAINER=true",
                    $"DOTNET_VERSION={RuntimeVersion}",
                    $"ASPNET_VERSION={RuntimeVersion}"),
                ["User"] = AppUid.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            ["rootfs"] = new JsonObject
            {
                ["type"] = "layers",
                ["diff_ids"] = new JsonArray("sha256:" + Convert.ToHexStringLower(SHA256.HashData(layerTar))),
            },
        });
        var configDigest = registry.AddBlob(config);
        var manifest = JsonSerializer.SerializeToUtf8Bytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = "application/vnd.oci.image.manifest.v1+json",
            ["config"] = Descriptor("application/vnd.oci.image.config.v1+json", configDigest, config.Length),
            ["layers"] = new JsonArray(Descriptor("application/vnd.oci.image.layer.v1.tar+gzip", layerDigest, layer.Length)),
        });
        var manifestDigest = registry.AddManifest(Repository, "application/vnd.oci.image.manifest.v1+json", manifest);
        var platformManifest = Descriptor("application/vnd.oci.image.manifest.v1+json", manifestDigest, manifest.Length);
        platformManifest["platform"] = new JsonObject { ["architecture"] = "amd64", ["os"] = "linux" };
        var index = JsonSerializer.SerializeToUtf8Bytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = "application/vnd.oci.image.index.v1+json",
            ["manifests"] = new JsonArray(platformManifest),
        });
        registry.AddManifest(Repository, "application/vnd.oci.image.index.v1+json", index, Tag);
        return $"{registry.Authority}/{Repository}:{Tag}";
    }

    private static JsonObject Descriptor(string mediaType, string digest, long size) => new()
    {
        ["mediaType"] = mediaType,
        ["digest"] = digest,
        ["size"] = size,
    };

    private static byte[] Layer()
    {
        using var buffer = new MemoryStream();
        using (var tar = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var directory in new[] { "etc/", "tmp/", "usr/", "usr/bin/", "usr/share/", "usr/share/dotnet/", "usr/share/dotnet/shared/" }
                         .Concat(Frameworks.SelectMany(f => new[] { $"usr/share/dotnet/shared/{f}/", $"usr/share/dotnet/shared/{f}/{RuntimeVersion}/" })))
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, directory)
                {
                    Mode = directory == "tmp/" ? (UnixFileMode)0x3FF | UnixFileMode.StickyBit : (UnixFileMode)0x1ED,
                });
            }
            File(tar, "etc/passwd", $"root:x:0:0:root:/root:/usr/sbin/nologin\napp:x:{AppUid}:{AppUid}::/home/app:/usr/sbin/nologin\n", 0x1A4);
            File(tar, "usr/share/dotnet/dotnet", "stand-in for the dotnet host\n", 0x1ED);
            tar.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "usr/bin/dotnet") { LinkName = "../share/dotnet/dotnet" });
        }
        return buffer.ToArray();
    }

    private static void File(TarWriter tar, string path, string content, int mode) =>
        tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, path)
        {
            Mode = (UnixFileMode)mode,
            DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content)),
        });

    private static byte[] Gzip(byte[] content)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(content);
        }
        return buffer.ToArray();
    }
}
