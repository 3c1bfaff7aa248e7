using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Platform.Testing;

/// <summary>
/// A private SoftHSM2 token for one test run: its own temporary token directory and softhsm2.conf, a freshly
/// initialised token with a unique label and random PINs, deleted afterwards.
/// <para>
/// SoftHSM reads <c>SOFTHSM2_CONF</c> with getenv when the library is initialised. .NET's
/// Environment.SetEnvironmentVariable only changes the managed copy of the environment, so the variable is set with
/// libc <c>setenv</c> before any test loads the library. The library is process-wide, so use one instance per
/// process (a collection fixture).
/// </para>
/// When SoftHSM2 is missing this fixture fails with instructions instead of skipping: the PKCS#11 path must be tested.
/// Self-contained (depends on nothing in the repository), shared by every test project that needs an HSM.
/// </summary>
public sealed class SoftHsmFixture : IDisposable
{
    public const string DefaultLibraryPath = "/usr/lib/softhsm/libsofthsm2.so";
    private static readonly string[] UtilCandidates = ["/usr/bin/softhsm2-util", "/usr/local/bin/softhsm2-util"];
    private static readonly TimeSpan UtilTimeout = TimeSpan.FromSeconds(30);

    public SoftHsmFixture()
    {
        LibraryPath = Environment.GetEnvironmentVariable("SOFTHSM2_LIBRARY") is { Length: > 0 } custom ? custom : DefaultLibraryPath;
        if (!File.Exists(LibraryPath))
        {
            throw new InvalidOperationException(
                $"SoftHSM2 PKCS#11 library not found at '{LibraryPath}'. Install it (Debian/Ubuntu: apt-get install softhsm2) "
                + "or set SOFTHSM2_LIBRARY to its path.");
        }
        var util = FindUtil() ?? throw new InvalidOperationException(
            "softhsm2-util not found in /usr/bin, /usr/local/bin or PATH. Install it (Debian/Ubuntu: apt-get install softhsm2).");

        RootDirectory = Path.Combine(Path.GetTempPath(), "softhsm-tests-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant());
        var tokens = Path.Combine(RootDirectory, "tokens");
        Directory.CreateDirectory(tokens);
        ConfigPath = Path.Combine(RootDirectory, "softhsm2.conf");
        File.WriteAllText(ConfigPath, $"""
            directories.tokendir = {tokens}
            objectstore.backend = file
            log.level = ERROR
            slots.removable = false
            """ + "\n");

        SetNativeEnvironment("SOFTHSM2_CONF", ConfigPath);

        TokenLabel = "crypto-tests-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant();
        UserPin = "user-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant();
        SoPin = "so-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant();
        try
        {
            RunUtil(util, ["--init-token", "--free", "--label", TokenLabel, "--pin", UserPin, "--so-pin", SoPin]);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string LibraryPath { get; }

    /// <summary>Temporary folder holding the configuration and the token files.</summary>
    public string RootDirectory { get; }

    public string ConfigPath { get; }

    public string TokenLabel { get; }

    public string UserPin { get; }

    public string SoPin { get; }

    public void Dispose()
    {
        try
        {
            if (Directory.Exists(RootDirectory))
            {
                Directory.Delete(RootDirectory, recursive: true);
            }
        }
        catch (IOException)
        {
            // A still-loaded library may hold a lock file; the temp folder is cleaned by the OS eventually.
        }
    }

    private void RunUtil(string util, string[] arguments)
    {
        var start = new ProcessStartInfo(util)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["SOFTHSM2_CONF"] = ConfigPath;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {util}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(UtilTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"softhsm2-util --init-token did not finish within {UtilTimeout.TotalSeconds} s.");
        }
        if (process.ExitCode != 0)
        {
            // Output of softhsm2-util does not echo PINs, so it is safe to show.
            throw new InvalidOperationException(
                $"softhsm2-util --init-token failed with exit code {process.ExitCode}: {stdout.Result} {stderr.Result}".Trim());
        }
    }

    private static string? FindUtil()
    {
        foreach (var candidate in UtilCandidates)
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, "softhsm2-util");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    private static void SetNativeEnvironment(string name, string value)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD())
        {
            throw new PlatformNotSupportedException("SoftHsmFixture sets SOFTHSM2_CONF through libc setenv (Unix only).");
        }
        if (NativeMethods.setenv(name, value, 1) != 0)
        {
            throw new InvalidOperationException($"setenv({name}) failed with errno {Marshal.GetLastPInvokeError()}.");
        }
        Environment.SetEnvironmentVariable(name, value); // keep the managed view in step
    }

    private static class NativeMethods
    {
        // "libc.so.6": the unversioned libc.so on glibc systems is a linker script that dlopen cannot load.
        // DllImport rather than LibraryImport: the latter's string marshalling would need AllowUnsafeBlocks.
        [DllImport("libc.so.6", EntryPoint = "setenv", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int setenv([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);
    }
}
