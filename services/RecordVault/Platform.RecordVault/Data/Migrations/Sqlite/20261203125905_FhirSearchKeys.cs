using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Platform.RecordVault.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class FhirSearchKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "SearchIndexedVersion",
                table: "Records",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "RecordSearchKeys",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    RecordId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Patient = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    ResourceType = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Parameter = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Token = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    StartMs = table.Column<long>(type: "INTEGER", nullable: true),
                    EndMs = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RecordSearchKeys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SearchIndexKeys",
                columns: table => new
                {
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    KekName = table.Column<string>(type: "TEXT", maxLength: 127, nullable: false),
                    KekVersion = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    WrapAlgorithm = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    WrappedKey = table.Column<byte[]>(type: "BLOB", nullable: false),
                    CreatedAtMs = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SearchIndexKeys", x => x.Name);
                });

            migrationBuilder.CreateIndex(
                name: "IX_RecordSearchKeys_Patient_ResourceType_Parameter_Token",
                table: "RecordSearchKeys",
                columns: new[] { "Patient", "ResourceType", "Parameter", "Token" });

            migrationBuilder.CreateIndex(
                name: "IX_RecordSearchKeys_RecordId",
                table: "RecordSearchKeys",
                column: "RecordId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "RecordSearchKeys");

            migrationBuilder.DropTable(
                name: "SearchIndexKeys");

            migrationBuilder.DropColumn(
                name: "SearchIndexedVersion",
                table: "Records");
        }
    }
}
