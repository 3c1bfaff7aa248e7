using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Platform.RecordVault.Data.Migrations.Postgres
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
                type: "integer",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "RecordSearchKeys",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    RecordId = table.Column<Guid>(type: "uuid", nullable: false),
                    Patient = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    ResourceType = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Parameter = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Token = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    StartMs = table.Column<long>(type: "bigint", nullable: true),
                    EndMs = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RecordSearchKeys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SearchIndexKeys",
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
