namespace Platform.Ledger.Replication; internal static class Placeholder {}
