using RagLab.Cli;

return await RaglabApp.RunAsync(args, CliContext.ForProcess());
