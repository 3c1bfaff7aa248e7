using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Platform.Consent.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class OnBehalfProposals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "OnBehalfProposals",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Subject = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    GranteeKind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    GranteeId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Categories = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    Purposes = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    Actions = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ValidFromMs = table.Column<long>(type: "bigint", nullable: true),
                    ValidUntilMs = table.Column<long>(type: "bigint", nullable: true),
                    ProposedBy = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    ProposedAtMs = table.Column<long>(type: "bigint", nullable: false),
                    ExpiresAtMs = table.Column<long>(type: "bigint", nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    DecidedBy = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    DecidedAtMs = table.Column<long>(type: "bigint", nullable: true),
                    DecisionReason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    ConsentId = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OnBehalfProposals", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "PatientNotices",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Patient = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Kind = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ConsentId = table.Column<Guid>(type: "uuid", nullable: false),
                    ProposalId = table.Column<Guid>(type: "uuid", nullable: true),
                    CreatedAtMs = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PatientNotices", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_OnBehalfProposals_ConsentId",
                table: "OnBehalfProposals",
                column: "ConsentId");

            migrationBuilder.CreateIndex(
                name: "IX_OnBehalfProposals_Status_Subject",
                table: "OnBehalfProposals",
                columns: new[] { "Status", "Subject" });

            migrationBuilder.CreateIndex(
                name: "IX_PatientNotices_Patient_CreatedAtMs",
                table: "PatientNotices",
                columns: new[] { "Patient", "CreatedAtMs" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "OnBehalfProposals");

            migrationBuilder.DropTable(
                name: "PatientNotices");
        }
    }
}
