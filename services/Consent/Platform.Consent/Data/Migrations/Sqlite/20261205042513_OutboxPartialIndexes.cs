using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Platform.Consent.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class OutboxPartialIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_outbox_messages_SentAtUtc_NextAttemptAtUtc",
                table: "outbox_messages");

            migrationBuilder.CreateIndex(
                name: "IX_outbox_messages_sent",
                table: "outbox_messages",
                column: "SentAtUtc",
                filter: "\"SentAtUtc\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_outbox_messages_unsent",
                table: "outbox_messages",
                column: "Sequence",
                filter: "\"SentAtUtc\" IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_outbox_messages_sent",
                table: "outbox_messages");

            migrationBuilder.DropIndex(
                name: "IX_outbox_messages_unsent",
                table: "outbox_messages");

            migrationBuilder.CreateIndex(
                name: "IX_outbox_messages_SentAtUtc_NextAttemptAtUtc",
                table: "outbox_messages",
                columns: new[] { "SentAtUtc", "NextAttemptAtUtc" });
        }
    }
}
