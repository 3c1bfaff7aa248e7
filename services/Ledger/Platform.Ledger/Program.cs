using Platform.Ledger;

return await LedgerService.RunAsync(args);
