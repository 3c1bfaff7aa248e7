using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Platform.Ledger.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class OwedReceiptTraceParent : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "TraceParent",
                table: "owed_receipts",
                type: "TEXT",
                maxLength: 128,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "TraceParent",
                table: "owed_receipts");
        }
    }
}
