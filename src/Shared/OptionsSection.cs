using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ImSignalR;

/// <summary>
/// Binds one options section and refuses keys that are not settings: a misspelt <c>Im:Redis:CommandTimout</c> stops the
/// start instead of leaving the default silently in force. Compiled into each assembly that binds a section (a linked
/// source file: the adapters share no assembly that knows configuration).
/// </summary>
internal static class OptionsSection
{
    /// <summary>The bound options (defaults when the section is absent); throws <see cref="OptionsValidationException"/> naming every unknown key.</summary>
    public static T Bind<T>(IConfigurationSection section, string path)
        where T : class, new()
    {
        var unknown = new List<string>();
        Collect(typeof(T), section, path, unknown);
        if (unknown.Count > 0)
        {
            throw new OptionsValidationException(path, typeof(T), unknown);
        }
        return section.Get<T>() ?? new T();
    }

    /// <summary>
    /// Refuses the children of <paramref name="section"/> that are not in <paramref name="known"/>: for the root
    /// <c>Im</c> section, whose sections different assemblies bind (a misspelt <c>Im:Retyr</c> would be bound by none).
    /// </summary>
    public static void RequireKnownKeys(IConfigurationSection section, string path, IReadOnlyCollection<string> known)
    {
        var allowed = new HashSet<string>(known, StringComparer.OrdinalIgnoreCase);
        var unknown = section.GetChildren().Where(c => !allowed.Contains(c.Key)).OrderBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => NotASetting(path, c.Key, known)).ToList();
        if (unknown.Count > 0)
        {
            throw new OptionsValidationException(path, typeof(object), unknown);
        }
    }

    /// <summary>
    /// <see cref="Bind{T}"/>, then <paramref name="validator"/> at once: composition reads these values before the host
    /// starts (and before <c>ValidateOnStart</c> would run), so a wrong one must stop it here.
    /// </summary>
    public static T BindValidated<T>(IConfigurationSection section, string path, IValidateOptions<T> validator, Action<T>? configure = null)
        where T : class, new()
    {
        var options = Bind<T>(section, path);
        configure?.Invoke(options);
        var result = validator.Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(path, typeof(T), result.Failures);
        }
        return options;
    }

    private static void Collect(Type type, IConfigurationSection section, string path, List<string> unknown)
    {
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && (p.SetMethod?.IsPublic == true || IsSection(p.PropertyType)))
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var child in section.GetChildren().OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            if (!properties.TryGetValue(child.Key, out var property))
            {
                unknown.Add(NotASetting(path, child.Key, properties.Keys));
            }
            else if (IsSection(property.PropertyType))
            {
                Collect(property.PropertyType, child, $"{path}:{property.Name}", unknown);
            }
        }
    }

    private static string NotASetting(string path, string key, IEnumerable<string> known) =>
        $"{path}:{key} is not a setting; the settings are {string.Join(", ", known.Order(StringComparer.Ordinal))}.";

    // A nested options class (Im:RocketMq:Service), not a value the binder converts from text.
    private static bool IsSection(Type type) =>
        type.IsClass && type != typeof(string) && !typeof(System.Collections.IEnumerable).IsAssignableFrom(type);
}
