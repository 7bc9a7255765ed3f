using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;

namespace ImSignalR.Hub.Endpoints;

/// <summary>REST's one error mapping: <see cref="ImException"/> → status code + <c>{code, message, retriable}</c>.</summary>
internal static class ImResults
{
    public static IResult Error(ImException ex) => new ImErrorResult(ex);

    public static int StatusFor(ImErrorCode code) => code switch
    {
        ImErrorCode.Forbidden or ImErrorCode.Blocked => StatusCodes.Status403Forbidden,
        ImErrorCode.Unauthorized => StatusCodes.Status401Unauthorized,
        ImErrorCode.NotFound => StatusCodes.Status404NotFound,
        ImErrorCode.RateLimited or ImErrorCode.TooManyConnections => StatusCodes.Status429TooManyRequests,
        ImErrorCode.SendInProgress => StatusCodes.Status409Conflict,
        ImErrorCode.StoreUnavailable or ImErrorCode.LogUnavailable or ImErrorCode.StateUnavailable or ImErrorCode.ShuttingDown => StatusCodes.Status503ServiceUnavailable,
        ImErrorCode.Internal => StatusCodes.Status500InternalServerError,
        ImErrorCode.ContentBlocked or ImErrorCode.RecallWindowPassed => StatusCodes.Status422UnprocessableEntity,
        _ => StatusCodes.Status400BadRequest,
    };

    /// <summary>Runs <paramref name="action"/>, mapping domain errors.</summary>
    public static async Task<IResult> Run<T>(Func<Task<T>> action)
    {
        try
        {
            return Results.Ok(await action());
        }
        catch (ImException ex)
        {
            return Error(ex);
        }
    }

    internal sealed record ErrorBody(string Code, string Message, bool Retriable);
}
