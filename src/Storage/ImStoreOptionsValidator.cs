using Microsoft.Extensions.Options;

namespace ImSignalR.Storage;

/// <summary>Start-time validation of <c>Im:Store</c>; every message names the full key.</summary>
internal sealed class ImStoreOptionsValidator : IValidateOptions<ImStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, ImStoreOptions o)
    {
        var errors = new List<string>();
        if (o.Provider is not ("Sqlite" or "MySql"))
        {
            errors.Add($"{ImStoreOptions.Section}:Provider must be Sqlite or MySql, was '{o.Provider}'.");
        }
        if (string.IsNullOrWhiteSpace(o.ConnectionString))
        {
            errors.Add($"{ImStoreOptions.Section}:ConnectionString is required.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
