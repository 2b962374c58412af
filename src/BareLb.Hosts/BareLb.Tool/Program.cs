// Placeholder until `barelb apiserver` lands (issue 3).
Console.Error.WriteLine("barelb: no command is available yet");
return 2;
