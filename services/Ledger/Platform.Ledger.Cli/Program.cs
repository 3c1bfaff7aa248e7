using Platform.Ledger.Cli;

return args is ["members", ..]
    ? await MembersCommand.RunAsync(args, Console.Out, Console.Error)
    : LedgerCli.Run(args, Console.Out, Console.Error);
