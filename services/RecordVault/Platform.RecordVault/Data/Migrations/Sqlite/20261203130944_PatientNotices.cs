using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Platform.RecordVault.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PatientNotices : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "PatientNotices",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Patient = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Code = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    AtMs = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PatientNotices", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_PatientNotices_Patient_AtMs",
                table: "PatientNotices",
                columns: new[] { "Patient", "AtMs" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "PatientNotices");
        }
    }
}
