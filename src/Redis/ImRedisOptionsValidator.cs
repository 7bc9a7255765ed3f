using Microsoft.Extensions.Options;

namespace ImSignalR.Redis;

/// <summary>Start-time validation with messages that name the setting.</summary>
internal sealed class ImRedisOptionsValidator : IValidateOptions<ImRedisOptions>
{
    public ValidateOptionsResult Validate(string? name, ImRedisOptions options)
    {
        var errors = options.Validate().ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
