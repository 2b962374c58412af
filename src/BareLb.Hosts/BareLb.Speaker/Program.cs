// Placeholder until the standalone announcer lands (issue 5).
Console.Error.WriteLine("barelb-speaker: no command is available yet");
return 2;
