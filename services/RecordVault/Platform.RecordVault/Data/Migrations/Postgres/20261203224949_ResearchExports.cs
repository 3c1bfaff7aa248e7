using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Platform.RecordVault.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ResearchExports : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ResearchExports",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    StudyId = table.Column<Guid>(type: "uuid", nullable: false),
                    Requester = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    CreatedAtMs = table.Column<long>(type: "bigint", nullable: false),
                    CompletedAtMs = table.Column<long>(type: "bigint", nullable: true),
                    LeaseOwner = table.Column<Guid>(type: "uuid", nullable: true),
                    LeaseUntilMs = table.Column<long>(type: "bigint", nullable: false),
                    Manifest = table.Column<string>(type: "text", nullable: true),
                    ManifestHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    LedgerEventId = table.Column<Guid>(type: "uuid", nullable: true),
                    SignedEvent = table.Column<string>(type: "text", nullable: true),
                    LeafIndex = table.Column<long>(type: "bigint", nullable: true),
                    Receipt = table.Column<string>(type: "text", nullable: true),
                    IncludedConsents = table.Column<string>(type: "text", nullable: true),
                    Error = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ResearchExports", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ResearchPseudonymKeys",
                columns: table => new
                {
                    Name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    KekName = table.Column<string>(type: "character varying(127)", maxLength: 127, nullable: false),
                    KekVersion = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    WrapAlgorithm = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    WrappedKey = table.Column<byte[]>(type: "bytea", nullable: false),
                    CreatedAtMs = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ResearchPseudonymKeys", x => x.Name);
                });

            migrationBuilder.CreateTable(
                name: "ResearchExportFiles",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ExportId = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Count = table.Column<int>(type: "integer", nullable: false),
                    Sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    FormatVersion = table.Column<byte>(type: "smallint", nullable: false),
                    NoncePrefix = table.Column<byte[]>(type: "bytea", nullable: false),
                    ChunkSize = table.Column<int>(type: "integer", nullable: false),
                    PlaintextLength = table.Column<long>(type: "bigint", nullable: false),
                    Ciphertext = table.Column<byte[]>(type: "bytea", nullable: false),
                    KekName = table.Column<string>(type: "character varying(127)", maxLength: 127, nullable: false),
                    KekVersion = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    WrapAlgorithm = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    WrappedKey = table.Column<byte[]>(type: "bytea", nullable: false),
                    CiphertextHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ResearchExportFiles", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ResearchExportFiles_ResearchExports_ExportId",
                        column: x => x.ExportId,
                        principalTable: "ResearchExports",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ResearchExportFiles_ExportId_Name",
                table: "ResearchExportFiles",
                columns: new[] { "ExportId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ResearchExports_LedgerEventId",
                table: "ResearchExports",
                column: "LedgerEventId");

            migrationBuilder.CreateIndex(
                name: "IX_ResearchExports_Status_CreatedAtMs",
                table: "ResearchExports",
                columns: new[] { "Status", "CreatedAtMs" });

            migrationBuilder.CreateIndex(
                name: "IX_ResearchExports_StudyId",
                table: "ResearchExports",
                column: "StudyId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ResearchExportFiles");

            migrationBuilder.DropTable(
                name: "ResearchPseudonymKeys");

            migrationBuilder.DropTable(
                name: "ResearchExports");
        }
    }
}
