using Platform.Ledger.Cli;

return LedgerCli.Run(args, Console.Out, Console.Error);
