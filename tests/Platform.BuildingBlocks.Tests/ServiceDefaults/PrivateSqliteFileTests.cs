using Microsoft.Data.Sqlite;
using Platform.BuildingBlocks.Tests.TestService;
using Platform.ServiceDefaults;
using Platform.Testing;

namespace Platform.BuildingBlocks.Tests.ServiceDefaults;

/// <summary>A service's SQLite files hold health data: readable by the service's own user only.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PrivateSqliteFileTests
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public async Task A_service_creates_its_database_and_write_ahead_log_for_its_own_user_only()
    {
        await using var service = await ServiceUnderTest.StartAsync(TestServiceApp.Build);
        var files = Directory.GetFiles(service.DataDirectory, "*.db*");
        Assert.Contains(files, f => f.EndsWith(".db", StringComparison.Ordinal));
        Assert.All(files, f => Assert.Equal(OwnerOnly, File.GetUnixFileMode(f)));
    }

    [Fact]
    public void SQLite_gives_the_write_ahead_log_and_shared_memory_files_the_database_files_mode()
    {
        // What Prepare relies on, checked against SQLite itself: the -wal and -shm files hold data too.
        var folder = Directory.CreateTempSubdirectory("sqlite-mode-").FullName;
        var path = Path.Combine(folder, "wal.db");
        PrivateSqliteFile.Prepare($"Data Source={path}");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode=WAL; CREATE TABLE t(x); INSERT INTO t VALUES ('health data');";
            command.ExecuteNonQuery();
            Assert.True(File.Exists(path + "-wal") && File.Exists(path + "-shm"));
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(path + "-wal"));
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(path + "-shm"));
        }
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void An_existing_database_readable_by_others_is_narrowed()
    {
        var folder = Directory.CreateTempSubdirectory("sqlite-mode-").FullName;
        var path = Path.Combine(folder, "old.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open(); // created with the umask's mode, as before this fix
        }
        File.SetUnixFileMode(path, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        PrivateSqliteFile.Prepare($"Data Source={path}");

        Assert.Equal(OwnerOnly, File.GetUnixFileMode(path));
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void A_new_database_in_a_new_folder_is_private_before_sqlite_opens_it()
    {
        var parent = Directory.CreateTempSubdirectory("sqlite-mode-").FullName;
        var path = Path.Combine(parent, "new", "service.db");

        PrivateSqliteFile.Prepare($"Data Source={path};Cache=Shared");

        Assert.Equal(OwnerOnly, File.GetUnixFileMode(path));
        Assert.Equal(OwnerOnly | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
        Directory.Delete(parent, recursive: true);
    }

    [Theory]
    [InlineData("Data Source=:memory:")]
    [InlineData("Data Source=shared;Mode=Memory;Cache=Shared")]
    public void In_memory_databases_are_left_alone(string connectionString)
    {
        var before = Directory.GetFiles(Directory.GetCurrentDirectory()).Length;
        PrivateSqliteFile.Prepare(connectionString);
        Assert.Equal(before, Directory.GetFiles(Directory.GetCurrentDirectory()).Length);
    }
}
