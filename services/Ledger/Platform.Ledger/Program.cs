using Platform.Ledger;

await LedgerService.Build(args).RunAsync();
