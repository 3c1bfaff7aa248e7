using Platform.Ledger.Cli;

return await LedgerCommandLine.RunAsync(args, Console.Out, Console.Error);
