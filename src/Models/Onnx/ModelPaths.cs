namespace Kusd.Moderation.Models.Onnx;

/// <summary>Finds the folder holding the ONNX model files.</summary>
public static class ModelPaths
{
    /// <summary>Environment variable that overrides every other location.</summary>
    public const string EnvironmentVariable = "KUSD_MODELS_DIR";

    private const string SolutionFile = "Kusd.Moderation.sln";

    /// <summary>
    /// The models folder: <c>KUSD_MODELS_DIR</c>, else <c>models/</c> beside the application (where the
    /// build copies them), else <c>models/</c> of the solution found by walking up from the current directory.
    /// </summary>
    public static string ResolveDirectory(string? configured = null)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Existing(configured, "the configured models directory");
        }

        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return Existing(fromEnvironment, EnvironmentVariable);
        }

        var besideApp = Path.Combine(AppContext.BaseDirectory, "models");
        if (Directory.Exists(besideApp) && Directory.EnumerateFiles(besideApp, "*.onnx").Any())
        {
            return besideApp;
        }

        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, SolutionFile)))
            {
                var candidate = Path.Combine(dir.FullName, "models");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new DirectoryNotFoundException(
            $"No models folder found: set {EnvironmentVariable}, or put the .onnx files in models/ beside the application or the solution.");
    }

    /// <summary>Full path of one model file, failing with a message that names the file and the folder.</summary>
    public static string Resolve(string fileName, string? configuredDirectory = null)
    {
        var path = Path.Combine(ResolveDirectory(configuredDirectory), fileName);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"Model file {fileName} is missing from {Path.GetDirectoryName(path)}.", path);
    }

    private static string Existing(string directory, string source) =>
        Directory.Exists(directory)
            ? Path.GetFullPath(directory)
            : throw new DirectoryNotFoundException($"The models directory from {source} does not exist: {directory}");
}
