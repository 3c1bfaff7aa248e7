namespace Platform.Testing;

/// <summary>
/// PostgreSQL refuses to run as root. When the tests run as root (CI here), the server runs as the
/// distribution's <c>postgres</c> user through runuser, in a directory handed over to that user.
/// </summary>
public sealed record LocalServerUser(string Command, string[] Prefix)
{
    public static LocalServerUser Prepare(string directory)
    {
        if (Environment.UserName != "root")
        {
            return new LocalServerUser("/usr/bin/env", []);
        }
        ExternalProcess.RunAsync("/bin/chown", "-R", "postgres:postgres", directory).GetAwaiter().GetResult();
        return new LocalServerUser("/usr/sbin/runuser", ["-u", "postgres", "--"]);
    }
}
