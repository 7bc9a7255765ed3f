using ImSignalR.Storage.Health;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace ImSignalR.Storage;

/// <summary>The store from configuration: binds and validates <c>Im:Store</c>, registers the provider and its readiness check.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>The tag the host's <c>/health/ready</c> selects its checks by (the Hub's <c>HealthEndpoints.ReadyTag</c>).</summary>
    public const string ReadyTag = "ready";

    /// <summary>
    /// Binds <c>Im:Store</c> to <see cref="ImStoreOptions"/> (validated on start), registers the chosen provider
    /// (<see cref="PersistenceServiceCollectionExtensions.AddImSqliteStore"/> or
    /// <see cref="PersistenceServiceCollectionExtensions.AddImMySqlStore"/>) and the <c>store</c> readiness check.
    /// A wrong value throws <see cref="OptionsValidationException"/> here already: the provider is chosen now.
    /// </summary>
    public static IServiceCollection AddImStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(ImStoreOptions.Section);
        var options = OptionsSection.BindValidated(section, ImStoreOptions.Section, new ImStoreOptionsValidator());
        services.AddOptions<ImStoreOptions>().Bind(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ImStoreOptions>, ImStoreOptionsValidator>();
        if (options.IsShared)
        {
            services.AddImMySqlStore(options.ConnectionString);
        }
        else
        {
            services.AddImSqliteStore(options.ConnectionString);
        }
        services.AddHealthChecks().AddCheck<StoreHealthCheck>("store", HealthStatus.Unhealthy, [ReadyTag], TimeSpan.FromSeconds(3));
        return services;
    }
}
