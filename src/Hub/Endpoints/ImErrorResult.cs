using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Hub.Observability;

namespace ImSignalR.Hub.Endpoints;

/// <summary>
/// A REST error: <c>{code, message, retriable}</c> with the status of <see cref="ImResults.StatusFor"/>.
/// Leaves its code for <see cref="HttpRejectionMetrics"/>, so the rejection is counted by code.
/// </summary>
internal sealed class ImErrorResult(ImException error) : IResult, IStatusCodeHttpResult
{
    public int? StatusCode => ImResults.StatusFor(error.Code);

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Items[HttpRejectionMetrics.CodeItem] = error.Code.ToWire();
        return Results.Json(new ImResults.ErrorBody(error.Code.ToWire(), error.Message, error.IsRetriable), statusCode: StatusCode).ExecuteAsync(httpContext);
    }
}
