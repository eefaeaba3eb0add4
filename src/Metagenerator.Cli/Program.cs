using System.CommandLine;

var root = new RootCommand("metagenerator: turns a model source and a generator manifest into a generator image");
return root.Parse(args).Invoke();
