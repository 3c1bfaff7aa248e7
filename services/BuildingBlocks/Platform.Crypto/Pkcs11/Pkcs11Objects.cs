using System.Formats.Asn1;
using System.Text;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Platform.Crypto.Pkcs11;

/// <summary>
/// Templates and look-ups for the objects this platform keeps on a token. A key is identified by
/// CKA_LABEL = prefix + name and CKA_ID = ASCII version number, so every version of a key shares its label.
/// </summary>
internal static class Pkcs11Objects
{
    /// <summary>DER of OID 1.2.840.10045.3.1.7 (secp256r1 / P-256) for CKA_EC_PARAMS.</summary>
    private static readonly byte[] P256Parameters = [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07];

    public static byte[] VersionId(string version) => Encoding.ASCII.GetBytes(version);

    /// <summary>AES-256 KEK generated on the token: persistent, sensitive, never extractable, wrap/unwrap only.</summary>
    public static IObjectHandle GenerateKek(ISession session, string label, string version)
    {
        var f = session.Factories.ObjectAttributeFactory;
        using var template = new Pkcs11Template(
        [
            f.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY),
            f.Create(CKA.CKA_KEY_TYPE, CKK.CKK_AES),
            f.Create(CKA.CKA_VALUE_LEN, 32UL),
            f.Create(CKA.CKA_TOKEN, true),
            f.Create(CKA.CKA_PRIVATE, true),
            f.Create(CKA.CKA_SENSITIVE, true),
            f.Create(CKA.CKA_EXTRACTABLE, false),
            f.Create(CKA.CKA_WRAP, true),
            f.Create(CKA.CKA_UNWRAP, true),
            f.Create(CKA.CKA_ENCRYPT, false),
            f.Create(CKA.CKA_DECRYPT, false),
            f.Create(CKA.CKA_LABEL, label),
            f.Create(CKA.CKA_ID, VersionId(version)),
        ]);
        using var mechanism = session.Factories.MechanismFactory.Create(CKM.CKM_AES_KEY_GEN);
        return session.GenerateKey(mechanism, template.Attributes);
    }

    /// <summary>EC P-256 key pair generated on the token; the private half is sensitive and never extractable.</summary>
    public static void GenerateSigningKeyPair(ISession session, string label, string version)
    {
        var f = session.Factories.ObjectAttributeFactory;
        using var publicTemplate = new Pkcs11Template(
        [
            f.Create(CKA.CKA_TOKEN, true),
            f.Create(CKA.CKA_PRIVATE, false),
            f.Create(CKA.CKA_EC_PARAMS, P256Parameters),
            f.Create(CKA.CKA_VERIFY, true),
            f.Create(CKA.CKA_LABEL, label),
            f.Create(CKA.CKA_ID, VersionId(version)),
        ]);
        using var privateTemplate = new Pkcs11Template(
        [
            f.Create(CKA.CKA_TOKEN, true),
            f.Create(CKA.CKA_PRIVATE, true),
            f.Create(CKA.CKA_SENSITIVE, true),
            f.Create(CKA.CKA_EXTRACTABLE, false),
            f.Create(CKA.CKA_SIGN, true),
            f.Create(CKA.CKA_LABEL, label),
            f.Create(CKA.CKA_ID, VersionId(version)),
        ]);
        using var mechanism = session.Factories.MechanismFactory.Create(CKM.CKM_EC_KEY_PAIR_GEN);
        session.GenerateKeyPair(mechanism, publicTemplate.Attributes, privateTemplate.Attributes, out _, out _);
    }

    /// <summary>RSA 2048 key pair (e = 65537) generated on the token for RS256; the private half is sensitive and never extractable.</summary>
    public static void GenerateRsaSigningKeyPair(ISession session, string label, string version)
    {
        var f = session.Factories.ObjectAttributeFactory;
        using var publicTemplate = new Pkcs11Template(
        [
            f.Create(CKA.CKA_TOKEN, true),
            f.Create(CKA.CKA_PRIVATE, false),
            f.Create(CKA.CKA_MODULUS_BITS, (ulong)KeyAlgorithms.RsaSigningKeySize),
            f.Create(CKA.CKA_PUBLIC_EXPONENT, new byte[] { 0x01, 0x00, 0x01 }),
            f.Create(CKA.CKA_VERIFY, true),
            f.Create(CKA.CKA_LABEL, label),
            f.Create(CKA.CKA_ID, VersionId(version)),
        ]);
        using var privateTemplate = new Pkcs11Template(
        [
            f.Create(CKA.CKA_TOKEN, true),
            f.Create(CKA.CKA_PRIVATE, true),
            f.Create(CKA.CKA_SENSITIVE, true),
            f.Create(CKA.CKA_EXTRACTABLE, false),
            f.Create(CKA.CKA_SIGN, true),
            f.Create(CKA.CKA_LABEL, label),
            f.Create(CKA.CKA_ID, VersionId(version)),
        ]);
        using var mechanism = session.Factories.MechanismFactory.Create(CKM.CKM_RSA_PKCS_KEY_PAIR_GEN);
        session.GenerateKeyPair(mechanism, publicTemplate.Attributes, privateTemplate.Attributes, out _, out _);
    }

    /// <summary>Template for a temporary in-session copy of a clear data key (wrap input / unwrap output).</summary>
    public static Pkcs11Template SessionDataKeyTemplate(ISession session, byte[]? value)
    {
        var f = session.Factories.ObjectAttributeFactory;
        var template = new List<IObjectAttribute>
        {
            f.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY),
            f.Create(CKA.CKA_KEY_TYPE, CKK.CKK_GENERIC_SECRET),
            f.Create(CKA.CKA_TOKEN, false),
            f.Create(CKA.CKA_PRIVATE, true),
            f.Create(CKA.CKA_SENSITIVE, false),
            f.Create(CKA.CKA_EXTRACTABLE, true),
        };
        if (value is not null)
        {
            template.Add(f.Create(CKA.CKA_VALUE, value));
        }
        return new Pkcs11Template(template);
    }

    /// <summary>Versions (from CKA_ID) of the objects of <paramref name="objectClass"/> with this label.</summary>
    public static List<int> ListVersions(ISession session, CKO objectClass, string label)
    {
        var f = session.Factories.ObjectAttributeFactory;
        var versions = new List<int>();
        using var template = new Pkcs11Template([f.Create(CKA.CKA_CLASS, objectClass), f.Create(CKA.CKA_LABEL, label)]);
        foreach (var handle in session.FindAllObjects(template.Attributes))
        {
            var id = session.GetAttributeValue(handle, [CKA.CKA_ID])[0].GetValueAsByteArray() ?? [];
            // Objects someone else put under this label with a non-numeric id are not ours to version.
            if (KeyVersions.TryParse(Encoding.ASCII.GetString(id), out var version))
            {
                versions.Add(version);
            }
        }
        return versions;
    }

    /// <summary>The single object with this class, label and version, or null.</summary>
    public static IObjectHandle? Find(ISession session, CKO objectClass, string label, string version)
    {
        var f = session.Factories.ObjectAttributeFactory;
        using var template = new Pkcs11Template(
            [f.Create(CKA.CKA_CLASS, objectClass), f.Create(CKA.CKA_LABEL, label), f.Create(CKA.CKA_ID, VersionId(version))]);
        var found = session.FindAllObjects(template.Attributes);
        return found.Count switch
        {
            0 => null,
            1 => found[0],
            _ => throw new KeyProviderException(
                $"PKCS#11 token holds {found.Count} {objectClass} objects labelled '{label}' with version {version}; expected one."),
        };
    }

    /// <summary>Refuses keys that could leave the token (e.g. imported by hand with the wrong attributes).</summary>
    public static void EnsureProtected(ISession session, IObjectHandle handle, string label, string version)
    {
        var values = session.GetAttributeValue(handle, [CKA.CKA_SENSITIVE, CKA.CKA_EXTRACTABLE]);
        if (!values[0].GetValueAsBool() || values[1].GetValueAsBool())
        {
            throw new KeyProviderException(
                $"PKCS#11 key '{label}' version {version} is extractable or not sensitive; refusing to use it.");
        }
    }

    /// <summary>X and Y from CKA_EC_POINT: a DER OCTET STRING around 04||X||Y (some modules return the raw point).</summary>
    public static (byte[] X, byte[] Y) ReadP256Point(byte[] ecPoint)
    {
        var point = ecPoint;
        if (ecPoint.Length != 65)
        {
            try
            {
                point = AsnDecoder.ReadOctetString(ecPoint, AsnEncodingRules.DER, out _);
            }
            catch (AsnContentException ex)
            {
                throw new KeyProviderException("CKA_EC_POINT is neither a DER OCTET STRING nor a raw EC point.", ex);
            }
        }
        if (point.Length != 65 || point[0] != 0x04)
        {
            throw new KeyProviderException("CKA_EC_POINT is not an uncompressed P-256 point.");
        }
        return (point[1..33], point[33..65]);
    }
}
