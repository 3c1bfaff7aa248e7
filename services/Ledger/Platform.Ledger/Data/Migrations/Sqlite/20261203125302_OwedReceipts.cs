using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Platform.Ledger.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class OwedReceipts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "owed_receipts",
                columns: table => new
                {
                    EventId = table.Column<Guid>(type: "TEXT", nullable: false),
                    LeafIndex = table.Column<long>(type: "INTEGER", nullable: false),
                    OwedSinceUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_owed_receipts", x => x.EventId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_owed_receipts_LeafIndex",
                table: "owed_receipts",
                column: "LeafIndex");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "owed_receipts");
        }
    }
}
