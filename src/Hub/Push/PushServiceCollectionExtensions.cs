using ImSignalR.Domain.Ports;
using ImSignalR.Hub.Push.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ImSignalR.Hub.Push;

/// <summary>Registration of the offline push hook.</summary>
public static class PushServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates <c>Im:Push</c> (at start, each failure naming its setting); when
    /// <c>Im:Push:WebhookUrl</c> is set, makes the webhook the <see cref="IOfflineNotifier"/> and runs its
    /// sender as a hosted service. Needs <see cref="IPresence"/>, <see cref="IMessageStore"/>, a
    /// <see cref="System.Diagnostics.Metrics.Meter"/> and a <see cref="TimeProvider"/>.
    /// </summary>
    public static IServiceCollection AddImPush(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(PushOptions.Section);
        services.AddOptions<PushOptions>().Bind(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PushOptions>, PushOptionsValidator>();
        var options = OptionsSection.Bind<PushOptions>(section, PushOptions.Section);
        // Validate now as well: a bad setting stops the node here, with its name, before any service is built.
        var validation = new PushOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(PushOptions.Section, typeof(PushOptions), validation.Failures);
        }
        if (!options.Enabled)
        {
            return services;
        }
        services.AddHttpClient(WebhookSender.ClientName, client =>
        {
            // Each attempt has its own timeout (Im:Push:RequestTimeout); the client's must not cut it shorter.
            client.Timeout = Timeout.InfiniteTimeSpan;
        });
        services.AddSingleton<WebhookPushNotifier>();
        services.AddSingleton<IOfflineNotifier>(sp => sp.GetRequiredService<WebhookPushNotifier>());
        services.AddHostedService(sp => sp.GetRequiredService<WebhookPushNotifier>());
        return services;
    }
}
