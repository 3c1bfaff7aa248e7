using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace Platform.RecordVault.Core.Research;

/// <summary>
/// The keyed hashes of one study: participant pseudonyms, resource ids, DICOM UIDs and date offsets.
/// </summary>
/// <remarks>
/// The study key is HKDF-SHA256(master key, info = "platform/research/study-pseudonym/v1" ‖ 0x00 ‖ study id); each
/// value is HMAC-SHA256(study key, kind ‖ 0x00 ‖ input). Two studies therefore get unrelated pseudonyms for the same
/// patient (their keys differ, and HKDF outputs are independent), and without the master key nobody can recompute a
/// pseudonym from a patient id, however few the candidates. The master key is the service's (random, at least 32
/// bytes, kept wrapped by the key provider); it is copied here and zeroed on <see cref="Dispose"/>.
/// </remarks>
public sealed class StudyPseudonyms : IDisposable
{
    public const int MinimumMasterKeyLength = 32;

    /// <summary>Largest date offset in days, either way: half a year, so the season of an event is not kept exactly.</summary>
    public const int MaxDateShiftDays = 182;

    private static readonly byte[] InfoPrefix = Encoding.ASCII.GetBytes("platform/research/study-pseudonym/v1\0");

    private readonly byte[] _key;
    private bool _disposed;

    public StudyPseudonyms(ReadOnlySpan<byte> masterKey, string studyId)
    {
        if (masterKey.Length < MinimumMasterKeyLength)
        {
            throw new ArgumentException($"The master key needs at least {MinimumMasterKeyLength} bytes.", nameof(masterKey));
        }
        ArgumentException.ThrowIfNullOrWhiteSpace(studyId);
        StudyId = studyId;
        var info = InfoPrefix.Concat(Encoding.UTF8.GetBytes(studyId)).ToArray();
        _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey.ToArray(), 32, salt: [], info: info);
    }

    public string StudyId { get; }

    /// <summary>The identifier system of this study's participant pseudonyms.</summary>
    public string ParticipantSystem => DeidRules.ParticipantSystemPrefix + StudyId;

    /// <summary>The participant's pseudonym in this study: 32 lowercase hex digits (128 bits).</summary>
    public string Participant(string patientPseudonym) => Hex("participant", patientPseudonym);

    /// <summary>A resource's id in the export: 32 hex digits, stable within the study, unlinkable across studies.</summary>
    public string ResourceId(string resourceType, string id) => Hex("resource", resourceType + "/" + id);

    /// <summary>A DICOM UID replaced by a UUID-derived OID (<c>2.25.n</c>, ISO/IEC 9834-8), so the format stays valid.</summary>
    public string Uid(string uid)
    {
        var mac = Mac("uid", uid);
        var value = new BigInteger(mac.AsSpan(0, 16), isUnsigned: true, isBigEndian: true);
        return "2.25." + value.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The participant's date offset in days: never zero, at most <see cref="MaxDateShiftDays"/> either way.</summary>
    public int DateShiftDays(string patientPseudonym)
    {
        var mac = Mac("date-shift", patientPseudonym);
        var magnitude = 1 + (int)(BinaryPrimitives.ReadUInt32BigEndian(mac) % MaxDateShiftDays);
        return (mac[4] & 1) == 0 ? magnitude : -magnitude;
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            CryptographicOperations.ZeroMemory(_key);
            _disposed = true;
        }
    }

    private string Hex(string kind, string input) => Convert.ToHexStringLower(Mac(kind, input).AsSpan(0, 16));

    private byte[] Mac(string kind, string input)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(input);
        return HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(kind + "\0" + input));
    }

    public override string ToString() => $"{nameof(StudyPseudonyms)}({StudyId})";
}
