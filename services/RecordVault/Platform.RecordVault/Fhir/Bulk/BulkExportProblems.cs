using Microsoft.AspNetCore.Http;
using Platform.ServiceDefaults;

namespace Platform.RecordVault.Fhir.Bulk;

/// <summary>The stable codes of the bulk export's refusals (docs/fhir.md, "Bulk export"; docs/errors.md).</summary>
public static class BulkExportProblems
{
    public const string RespondAsyncRequired = "respond_async_required";
    public const string InvalidExportParameter = "invalid_export_parameter";
    public const string UnsupportedExportParameter = "unsupported_export_parameter";
    public const string UnsupportedExportType = "unsupported_export_type";
    public const string ExportOwnDataOnly = "export_own_data_only";
    public const string TooManyExports = "too_many_exports";
    public const string ExportFailed = "export_failed";

    public static ProblemException BadRequest(string detail, string code) => ProblemException.BadRequest(detail, code);

    public static ProblemException Forbidden(string detail) =>
        new(StatusCodes.Status403Forbidden, "Not allowed.", detail, ExportOwnDataOnly);
}
