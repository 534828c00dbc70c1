using System.Collections.Concurrent;
using System.Net;

namespace Drydock.Testing.Registry;

/// <summary>
/// A loopback HTTP proxy in front of a registry that returns an error status for chosen requests
/// (503, 429 with <c>Retry-After</c>, ...) a given number of times before passing them on.
/// The Host header is kept, so the registry's upload locations point back at the proxy.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private static readonly HttpClient _upstreamClient = new(new SocketsHttpHandler { AllowAutoRedirect = false })
    {
        Timeout = TimeSpan.FromMinutes(5),
    };

    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly HttpListener _listener;
    private readonly string _upstream;
    private readonly List<Fault> _faults = [];
    private readonly Task _loop;

    private FaultProxy(HttpListener listener, string upstream, int port)
    {
        _listener = listener;
        _upstream = upstream;
        Port = port;
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    /// <summary>The proxy as a registry host, <c>127.0.0.1:PORT</c>.</summary>
    public string Host => $"127.0.0.1:{Port}";

    /// <summary>Every request seen, as "METHOD PATH -> STATUS", in arrival order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <param name="upstreamHost">The registry to pass requests to, <c>HOST:PORT</c>.</param>
    public static FaultProxy Start(string upstreamHost)
    {
        var port = FreePort.Next();
        var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        return new FaultProxy(listener, upstreamHost, port);
    }

    /// <summary>
    /// Fails the next <paramref name="times"/> requests whose method is <paramref name="method"/>
    /// and whose path contains <paramref name="pathPart"/> with <paramref name="status"/>, without passing them on.
    /// </summary>
    public void Fail(string method, string pathPart, int status, int times, string? retryAfter = null)
    {
        lock (_faults)
        {
            _faults.Add(new Fault(method, pathPart, status, retryAfter) { Remaining = times });
        }
    }

    /// <summary>
    /// Passes the next <paramref name="times"/> matching requests on, but sends only the first half
    /// of the response body under its full Content-Length and then resets the connection.
    /// </summary>
    public void CutBody(string method, string pathPart, int times)
    {
        lock (_faults)
        {
            _faults.Add(new Fault(method, pathPart, 0, null) { Remaining = times, CutsBody = true });
        }
    }

    /// <summary>
    /// Passes the next <paramref name="times"/> matching requests on, but sends only the first half
    /// of the response body and then sends nothing more until the proxy is disposed.
    /// </summary>
    public void Stall(string method, string pathPart, int times)
    {
        lock (_faults)
        {
            _faults.Add(new Fault(method, pathPart, 0, null) { Remaining = times, CutsBody = true, Stalls = true });
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stopped.TrySetResult();
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        using var response = context.Response;
        var request = context.Request;
        var path = request.Url!.PathAndQuery;
        var fault = TakeFault(request.HttpMethod, request.Url.AbsolutePath);
        if (fault is { CutsBody: true })
        {
            await ForwardAsync(context, path, cutBody: true, stall: fault.Stalls).ConfigureAwait(false);
            return;
        }

        if (fault is not null)
        {
            Requests.Enqueue($"{request.HttpMethod} {request.Url.AbsolutePath} -> {fault.Status} (injected)");
            await request.InputStream.CopyToAsync(Stream.Null).ConfigureAwait(false);
            response.StatusCode = fault.Status;
            if (fault.RetryAfter is not null)
            {
                response.AddHeader("Retry-After", fault.RetryAfter);
            }

            response.ContentLength64 = 0;
            return;
        }

        try
        {
            await ForwardAsync(context, path).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            response.StatusCode = 502;
        }
    }

    private async Task ForwardAsync(HttpListenerContext context, string path, bool cutBody = false, bool stall = false)
    {
        var request = context.Request;
        using var forward = new HttpRequestMessage(new HttpMethod(request.HttpMethod), $"http://{_upstream}{path}");
        if (request.HasEntityBody)
        {
            forward.Content = new StreamContent(request.InputStream);
        }

        foreach (var name in request.Headers.AllKeys.OfType<string>())
        {
            var values = request.Headers.GetValues(name) ?? [];
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                forward.Content?.Headers.TryAddWithoutValidation(name, values);
            }
            else if (!name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                forward.Headers.TryAddWithoutValidation(name, values);
            }
        }

        using var answer = await _upstreamClient.SendAsync(forward, HttpCompletionOption.ResponseHeadersRead)
            .ConfigureAwait(false);
        Requests.Enqueue($"{request.HttpMethod} {request.Url!.AbsolutePath} -> {(int)answer.StatusCode}");
        var response = context.Response;
        response.StatusCode = (int)answer.StatusCode;
        foreach (var header in answer.Headers.Concat(answer.Content.Headers))
        {
            if (header.Key is "Content-Length" or "Transfer-Encoding" or "Connection" or "Keep-Alive")
            {
                continue;
            }

            foreach (var value in header.Value)
            {
                response.AddHeader(header.Key, value);
            }
        }

        if (answer.Content.Headers.ContentLength is { } length)
        {
            response.ContentLength64 = length;
        }

        if (cutBody)
        {
            var body = await answer.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
            await response.OutputStream.WriteAsync(body.AsMemory(0, body.Length / 2)).ConfigureAwait(false);
            await response.OutputStream.FlushAsync().ConfigureAwait(false);
            if (stall)
            {
                await _stopped.Task.ConfigureAwait(false);
            }

            response.Abort();
            return;
        }

        await answer.Content.CopyToAsync(response.OutputStream).ConfigureAwait(false);
    }

    private Fault? TakeFault(string method, string path)
    {
        lock (_faults)
        {
            var fault = _faults.FirstOrDefault(f => f.Remaining > 0 && f.Method == method
                && path.Contains(f.PathPart, StringComparison.Ordinal));
            if (fault is not null)
            {
                fault.Remaining--;
            }

            return fault;
        }
    }

    private sealed record Fault(string Method, string PathPart, int Status, string? RetryAfter)
    {
        public int Remaining { get; set; }

        public bool CutsBody { get; init; }

        public bool Stalls { get; init; }
    }
}
