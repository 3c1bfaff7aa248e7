using Platform.Ledger.Cli;

return args switch
{
    ["members", ..] => await MembersCommand.RunAsync(args, Console.Out, Console.Error),
    ["governance", ..] => await GovernanceCommand.RunAsync(args, Console.Out, Console.Error),
    ["audit", ..] => await AuditCommand.RunAsync(args, Console.Out, Console.Error),
    ["member-entry", ..] => await MemberEntryCommand.RunAsync(args, Console.Out, Console.Error),
    _ => LedgerCli.Run(args, Console.Out, Console.Error),
};
