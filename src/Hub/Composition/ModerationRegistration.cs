using ImSignalR.Domain.Moderation;
using ImSignalR.Domain.Ports;
using ImSignalR.Domain.Services;
using ImSignalR.Hub.Moderation;
using ImSignalR.Hub.Settings;

namespace ImSignalR.Hub.Composition;

/// <summary>Chooses the <see cref="IContentModerator"/>: none, the word list, the webhook, or both in that order.</summary>
internal static class ModerationRegistration
{
    public const string WebhookClient = "im-moderation";

    public static IServiceCollection AddImModeration(this IServiceCollection services, ModerationSettings settings, int maxContentBytes)
    {
        if (!settings.IsEnabled)
        {
            services.AddSingleton<IContentModerator, NoModeration>();
            return services;
        }
        services.AddHttpClient(WebhookClient);
        services.AddSingleton<IContentModerator>(sp =>
        {
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("ImSignalR.Moderation");
            var chain = new List<IContentModerator>();
            if (!string.IsNullOrWhiteSpace(settings.WordsFile))
            {
                chain.Add(new WordListModerator(settings.WordsFile, settings.Mode == "mask", logger));
            }
            if (!string.IsNullOrWhiteSpace(settings.WebhookUrl))
            {
                var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient(WebhookClient);
                chain.Add(new WebhookModerator(http, new Uri(settings.WebhookUrl), settings.WebhookTimeout, settings.FailOpen, maxContentBytes, logger));
            }
            // Counted into the daily statistics (SPEC §12) here, where every verdict passes (AddImStats).
            return new CountingModerator(chain.Count == 1 ? chain[0] : new ChainedModerator(chain), sp.GetRequiredService<ModerationHitCounter>());
        });
        return services;
    }
}
