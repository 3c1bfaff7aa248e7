using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Platform.RecordVault.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class BulkExport : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ExportJobs",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Requester = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Patient = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Types = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    SinceMs = table.Column<long>(type: "INTEGER", nullable: true),
                    Request = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    CreatedAtMs = table.Column<long>(type: "INTEGER", nullable: false),
                    TransactionTimeMs = table.Column<long>(type: "INTEGER", nullable: true),
                    CompletedAtMs = table.Column<long>(type: "INTEGER", nullable: true),
                    ExpiresAtMs = table.Column<long>(type: "INTEGER", nullable: false),
                    LeaseOwner = table.Column<Guid>(type: "TEXT", nullable: true),
                    LeaseUntilMs = table.Column<long>(type: "INTEGER", nullable: false),
                    Exported = table.Column<int>(type: "INTEGER", nullable: false),
                    Total = table.Column<int>(type: "INTEGER", nullable: false),
                    Error = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ExportJobs", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ExportFiles",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    JobId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ResourceType = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false),
                    FormatVersion = table.Column<byte>(type: "INTEGER", nullable: false),
                    NoncePrefix = table.Column<byte[]>(type: "BLOB", nullable: false),
                    ChunkSize = table.Column<int>(type: "INTEGER", nullable: false),
                    PlaintextLength = table.Column<long>(type: "INTEGER", nullable: false),
                    Ciphertext = table.Column<byte[]>(type: "BLOB", nullable: false),
                    KekName = table.Column<string>(type: "TEXT", maxLength: 127, nullable: false),
                    KekVersion = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    WrapAlgorithm = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    WrappedKey = table.Column<byte[]>(type: "BLOB", nullable: false),
                    Hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ExportFiles", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ExportFiles_ExportJobs_JobId",
                        column: x => x.JobId,
                        principalTable: "ExportJobs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ExportFiles_JobId",
                table: "ExportFiles",
                column: "JobId");

            migrationBuilder.CreateIndex(
                name: "IX_ExportJobs_ExpiresAtMs",
                table: "ExportJobs",
                column: "ExpiresAtMs");

            migrationBuilder.CreateIndex(
                name: "IX_ExportJobs_Requester",
                table: "ExportJobs",
                column: "Requester");

            migrationBuilder.CreateIndex(
                name: "IX_ExportJobs_Status_CreatedAtMs",
                table: "ExportJobs",
                columns: new[] { "Status", "CreatedAtMs" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ExportFiles");

            migrationBuilder.DropTable(
                name: "ExportJobs");
        }
    }
}
