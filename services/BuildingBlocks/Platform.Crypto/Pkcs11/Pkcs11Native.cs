using System.Reflection;
using System.Runtime.InteropServices;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Platform.Crypto.Pkcs11;

/// <summary>
/// Loads PKCS#11 modules once per process. A module may be initialised (C_Initialize) only once per process and
/// C_Finalize ends it for every user, so providers share a reference-counted instance per library path.
/// </summary>
internal static class Pkcs11Native
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, Entry> Libraries = new(StringComparer.Ordinal);
    private static bool _resolverInstalled;

    public static Pkcs11InteropFactories Factories { get; } = new();

    /// <summary>Loads (or shares) the module; dispose the lease to release it.</summary>
    public static LibraryLease Acquire(string libraryPath)
    {
        var path = Path.GetFullPath(libraryPath);
        if (!File.Exists(path))
        {
            throw new KeyProviderException($"PKCS#11 library not found at '{path}'.");
        }
        lock (Gate)
        {
            InstallResolver();
            if (!Libraries.TryGetValue(path, out var entry))
            {
                IPkcs11Library library;
                try
                {
                    library = Factories.Pkcs11LibraryFactory.LoadPkcs11Library(Factories, path, AppType.MultiThreaded);
                }
                catch (Exception ex) when (ex is Pkcs11Exception or UnmanagedException or LibraryArchitectureException or DllNotFoundException)
                {
                    throw new KeyProviderException($"PKCS#11 library '{path}' could not be loaded or initialised.", ex);
                }
                entry = new Entry(library);
                Libraries[path] = entry;
            }
            entry.References++;
            return new LibraryLease(path, entry.Library);
        }
    }

    private static void Release(string path)
    {
        lock (Gate)
        {
            if (Libraries.TryGetValue(path, out var entry) && --entry.References == 0)
            {
                Libraries.Remove(path);
                entry.Library.Dispose(); // C_Finalize and unload
            }
        }
    }

    /// <summary>
    /// Pkcs11Interop P/Invokes <c>dlopen</c> from "libdl". Debian 12 ships only <c>libdl.so.2</c> (no unversioned
    /// name without libc6-dev), so map it explicitly. A resolver can be set once per assembly.
    /// </summary>
    private static void InstallResolver()
    {
        if (_resolverInstalled)
        {
            return;
        }
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(Pkcs11InteropFactories).Assembly, ResolveLibdl);
        }
        catch (InvalidOperationException)
        {
            // Another component of this process already installed a resolver for Pkcs11Interop; keep theirs.
        }
        _resolverInstalled = true;
    }

    private static IntPtr ResolveLibdl(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName == "libdl" && OperatingSystem.IsLinux())
        {
            if (NativeLibrary.TryLoad("libdl.so.2", out var handle) || NativeLibrary.TryLoad("libdl.so", out handle))
            {
                return handle;
            }
        }
        return IntPtr.Zero; // default probing
    }

    private sealed class Entry(IPkcs11Library library)
    {
        public IPkcs11Library Library { get; } = library;
        public int References { get; set; }
    }

    public sealed class LibraryLease(string path, IPkcs11Library library) : IDisposable
    {
        private int _disposed;

        public IPkcs11Library Library { get; } = library;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Release(path);
            }
        }
    }
}
