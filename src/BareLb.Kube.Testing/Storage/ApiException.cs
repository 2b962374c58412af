using System.Net;
using System.Text.Json.Nodes;

namespace BareLb.Kube.Testing.Storage;

/// <summary>An error that the API server reports to its client as a <c>kind: Status</c> body.</summary>
internal sealed class ApiException : Exception
{
    public ApiException(int code, string reason, string message, string? name = null, string? kind = null, string? group = null)
        : base(message)
    {
        Code = code;
        Reason = reason;
        Name = name;
        Kind = kind;
        Group = group;
    }

    public int Code { get; }

    public string Reason { get; }

    public string? Name { get; }

    public string? Kind { get; }

    public string? Group { get; }

    public JsonObject ToStatus()
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = Message,
            ["reason"] = Reason,
        };
        if (Name is not null || Kind is not null)
        {
            var details = new JsonObject();
            if (Name is not null)
            {
                details["name"] = Name;
            }

            if (Group is { Length: > 0 })
            {
                details["group"] = Group;
            }

            if (Kind is not null)
            {
                details["kind"] = Kind;
            }

            status["details"] = details;
        }

        if (Code == 429)
        {
            status["details"] = new JsonObject { ["retryAfterSeconds"] = 1 };
        }

        status["code"] = Code;
        return status;
    }

    private static string Qualified(string plural, string group) => group.Length == 0 ? plural : $"{plural}.{group}";

    public static ApiException NotFound(string plural, string group, string name) =>
        new((int)HttpStatusCode.NotFound, "NotFound", $"{Qualified(plural, group)} \"{name}\" not found", name, plural, group);

    public static ApiException AlreadyExists(string plural, string group, string name) =>
        new((int)HttpStatusCode.Conflict, "AlreadyExists", $"{Qualified(plural, group)} \"{name}\" already exists", name, plural, group);

    public static ApiException Conflict(string plural, string group, string name) =>
        new((int)HttpStatusCode.Conflict, "Conflict",
            $"Operation cannot be fulfilled on {Qualified(plural, group)} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
            name, plural, group);

    public static ApiException Invalid(string kind, string group, string name, string detail) =>
        new((int)HttpStatusCode.UnprocessableEntity, "Invalid", $"{kind} \"{name}\" is invalid: {detail}", name, kind, group);

    public static ApiException BadRequest(string message) =>
        new((int)HttpStatusCode.BadRequest, "BadRequest", message);

    public static ApiException MethodNotAllowed(string message) =>
        new((int)HttpStatusCode.MethodNotAllowed, "MethodNotAllowed", message);

    public static ApiException Gone(string message) =>
        new((int)HttpStatusCode.Gone, "Expired", message);

    public static ApiException PathNotFound() =>
        new((int)HttpStatusCode.NotFound, "NotFound", "the server could not find the requested resource");

    public static ApiException UnsupportedMediaType(string contentType) =>
        new((int)HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json; got {contentType}");

    public static ApiException FromCode(int code, string message)
    {
        var reason = code switch
        {
            400 => "BadRequest",
            401 => "Unauthorized",
            403 => "Forbidden",
            404 => "NotFound",
            405 => "MethodNotAllowed",
            409 => "Conflict",
            410 => "Expired",
            422 => "Invalid",
            429 => "TooManyRequests",
            500 => "InternalError",
            503 => "ServiceUnavailable",
            504 => "Timeout",
            _ => "Unknown",
        };
        return new ApiException(code, reason, message);
    }
}
