Console.WriteLine("BareLb tutorial sample");
