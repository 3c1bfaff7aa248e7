namespace Platform.RecordVault.Core.Research;

/// <summary>Why a whole resource is left out of an export (counted in <see cref="StudyExportResult.Dropped"/>).</summary>
public static class DroppedResourceReasons
{
    /// <summary>DocumentReference, Composition: documents are free text and attachments, which cannot be scrubbed reliably.</summary>
    public const string FreeTextDocument = "free_text_document";

    /// <summary>Media: photographs and scans may show a face (Safe Harbor (Q)) or burnt-in names.</summary>
    public const string Image = "image";

    /// <summary>A resource type the rules do not cover (allowlist: an unknown type is never passed through).</summary>
    public const string UnsupportedType = "unsupported_type";

    /// <summary>A modifierExtension: it changes the meaning of the resource and cannot be dropped, so the resource goes.</summary>
    public const string ModifierExtension = "modifier_extension";

    /// <summary>The participant was withheld by the k-anonymity check, with all their records.</summary>
    public const string KAnonymitySuppressed = "k_anonymity_suppressed";
}
