using Microsoft.Data.Sqlite;

namespace Platform.ServiceDefaults;

/// <summary>
/// SQLite database files readable by the service's own user only (0600; a folder it creates 0700). SQLite creates
/// a new file with the process umask (usually 0644: readable by every local user) and gives its -wal and -shm files
/// the database file's mode, so creating the database file first, private, keeps all three private. Files that
/// already exist are narrowed to 0600 too.
/// </summary>
public static class PrivateSqliteFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyFolder = OwnerOnly | UnixFileMode.UserExecute;

    /// <summary>Prepares the file a SQLite connection string names (nothing for in-memory databases or on Windows).</summary>
    public static void Prepare(string connectionString)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        var builder = new SqliteConnectionStringBuilder(connectionString);
        var path = builder.DataSource;
        if (string.IsNullOrEmpty(path) || path == ":memory:" || builder.Mode == SqliteOpenMode.Memory
            || path.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }
        path = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(path)!;
        if (!Directory.Exists(folder))
        {
            Directory.CreateDirectory(folder, OwnerOnlyFolder);
        }
        if (!File.Exists(path))
        {
            // CreateNew with an explicit mode: never a window in which the file exists with the umask's mode.
            using var created = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = OwnerOnly,
            });
        }
        foreach (var file in new[] { path, path + "-wal", path + "-shm", path + "-journal" })
        {
            if (File.Exists(file) && (File.GetUnixFileMode(file) & ~OwnerOnly) != 0)
            {
                File.SetUnixFileMode(file, OwnerOnly);
            }
        }
    }
}
