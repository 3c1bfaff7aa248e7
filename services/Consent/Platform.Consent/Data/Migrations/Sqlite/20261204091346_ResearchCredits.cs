using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Platform.Consent.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ResearchCredits : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ResearchCredits",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ConsentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    StudyId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ExportId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Occasion = table.Column<Guid>(type: "TEXT", nullable: false),
                    Basis = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    AmountMinor = table.Column<long>(type: "INTEGER", nullable: false),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    ExportedAtMs = table.Column<long>(type: "INTEGER", nullable: false),
                    CreditedAtMs = table.Column<long>(type: "INTEGER", nullable: false),
                    LedgerSalt = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: false),
                    EventId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SignedEvent = table.Column<string>(type: "TEXT", maxLength: 8192, nullable: false),
                    LeafIndex = table.Column<long>(type: "INTEGER", nullable: true),
                    Receipt = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ResearchCredits", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ResearchCredits_ConsentId",
                table: "ResearchCredits",
                column: "ConsentId");

            migrationBuilder.CreateIndex(
                name: "IX_ResearchCredits_EventId",
                table: "ResearchCredits",
                column: "EventId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ResearchCredits_Occasion_ConsentId",
                table: "ResearchCredits",
                columns: new[] { "Occasion", "ConsentId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ResearchCredits_StudyId",
                table: "ResearchCredits",
                column: "StudyId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ResearchCredits");
        }
    }
}
