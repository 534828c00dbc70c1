using Drydock.Cli;

return await DrydockCommand.RunAsync(args);
