using Microsoft.AspNetCore.SignalR;

namespace ImSignalR.IntegrationTests.Redis;

public sealed class BackplaneTestHub : Hub;
