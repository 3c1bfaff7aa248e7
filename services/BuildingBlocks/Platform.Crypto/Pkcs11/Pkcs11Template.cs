using Net.Pkcs11Interop.HighLevelAPI;

namespace Platform.Crypto.Pkcs11;

/// <summary>
/// The attributes of one PKCS#11 call; hold it in a <c>using</c> variable around the call. Pkcs11Interop hands the
/// module pointers into each attribute's unmanaged memory but does not keep the attributes alive while the module
/// runs, so a template that nothing references any more (one built inline as an argument) can be finalized by a GC
/// in the middle of the call, and the module reads freed memory: a label that matches nothing ("not found"), a class
/// that is not one (CKR_ATTRIBUTE_VALUE_INVALID), a garbled key value. Disposing after the call keeps the template
/// alive until then and frees its memory, which may hold a clear data key, right away.
/// </summary>
internal sealed class Pkcs11Template(List<IObjectAttribute> attributes) : IDisposable
{
    public List<IObjectAttribute> Attributes { get; } = attributes;

    public void Dispose()
    {
        foreach (var attribute in Attributes)
        {
            attribute.Dispose();
        }
    }
}
