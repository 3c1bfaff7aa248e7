using System.Security.Cryptography;

namespace Platform.Crypto.Software;

/// <summary>
/// Key files on disk: <c>kek/{name}/{version}.key</c> (32 raw AES bytes) and <c>signing/{name}/{version}.p8</c>
/// (PKCS#8 DER). Files are written to a temporary name and moved into place, so a crash never leaves a half key,
/// and an existing version is never overwritten.
/// </summary>
internal sealed class SoftwareKeyStore
{
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public SoftwareKeyStore(string root)
    {
        Root = Path.GetFullPath(root);
        CreateDirectory(Root);
    }

    public string Root { get; }

    public string KekDirectory(string name) => Path.Combine(Root, "kek", name);

    public string SigningDirectory(string name) => Path.Combine(Root, "signing", name);

    public static string KekFile(string directory, string version) => Path.Combine(directory, version + ".key");

    public static string SigningFile(string directory, string version) => Path.Combine(directory, version + ".p8");

    /// <summary>Versions present in <paramref name="directory"/> for files ending in <paramref name="extension"/>.</summary>
    public static List<int> ListVersions(string directory, string extension)
    {
        var versions = new List<int>();
        if (!Directory.Exists(directory))
        {
            return versions;
        }
        foreach (var file in Directory.EnumerateFiles(directory, "*" + extension))
        {
            if (KeyVersions.TryParse(Path.GetFileNameWithoutExtension(file), out var version))
            {
                versions.Add(version);
            }
        }
        return versions;
    }

    /// <summary>Writes a new key file; returns false when that file already exists (another writer won).</summary>
    public static bool TryCreate(string path, ReadOnlySpan<byte> content)
    {
        CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + "." + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)) + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnlyFile;
        }
        try
        {
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
            if (File.Exists(path))
            {
                return false;
            }
            File.Move(temp, path, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            return false;
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, OwnerOnlyDirectory);
        }
    }
}
