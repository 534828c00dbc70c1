using System.Collections.Concurrent;
using System.Globalization;
using System.Net;

namespace Drydock.Testing.Registry;

/// <summary>
/// A loopback HTTP proxy in front of a registry that returns an error status for chosen requests
/// (503, 429 with <c>Retry-After</c>, ...) a given number of times before passing them on, or
/// alters what passes: a cut response or chunk, a rewritten response header.
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
        var (listener, port) = FreePort.Listen();
        return new FaultProxy(listener, upstreamHost, port);
    }

    /// <summary>
    /// Fails the next <paramref name="times"/> requests whose method is <paramref name="method"/>
    /// and whose path and query contain <paramref name="pathPart"/> with <paramref name="status"/>, without
    /// passing them on. The first <paramref name="skip"/> matching requests pass unchanged.
    /// </summary>
    public void Fail(string method, string pathPart, int status, int times, string? retryAfter = null, int skip = 0)
    {
        lock (_faults)
        {
            _faults.Add(new Fault(method, pathPart, status, retryAfter) { Remaining = times, Skip = skip });
        }
    }

    /// <summary>
    /// Answers the next <paramref name="times"/> requests whose method is <paramref name="method"/>
    /// and whose path and query contain <paramref name="pathPart"/> with <paramref name="status"/>
    /// and <paramref name="headers"/>, without passing them on.
    /// </summary>
    public void Answer(
        string method, string pathPart, int status, IReadOnlyDictionary<string, string> headers, int times = 1)
    {
        lock (_faults)
        {
            _faults.Add(new Fault(method, pathPart, status, null) { Remaining = times, Headers = headers });
        }
    }

    /// <summary>
    /// Passes the next <paramref name="times"/> matching requests on, but replaces the response
    /// header <paramref name="header"/> with <paramref name="value"/>.
    /// </summary>
    public void RewriteHeader(string method, string pathPart, string header, string value, int times = 1)
    {
        lock (_faults)
        {
            _faults.Add(new Fault(method, pathPart, 0, null)
            {
                Remaining = times,
                Headers = new Dictionary<string, string> { [header] = value },
                Rewrites = true,
            });
        }
    }

    /// <summary>
    /// Passes on only the first half of the body of the next <paramref name="times"/> matching
    /// chunk uploads (PATCH with Content-Range), with Content-Range and Content-Length shortened
    /// to match, so the registry keeps that half; then resets the client's connection.
    /// The first <paramref name="skip"/> matching chunks pass unchanged.
    /// </summary>
    public void CutChunk(string pathPart, int times = 1, int skip = 0)
    {
        lock (_faults)
        {
            _faults.Add(new Fault("PATCH", pathPart, 0, null) { Remaining = times, Skip = skip, CutsRequest = true });
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
        try
        {
            _listener.Stop();
            _listener.Close();
        }
        catch (HttpListenerException)
        {
            // The managed listener looks its port up again while closing; when another test
            // has bound that port meanwhile, it reports the port as in use. It is closed anyway.
        }

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
        var fault = TakeFault(request.HttpMethod, path);
        if (fault is { CutsBody: true })
        {
            await ForwardAsync(context, path, cutBody: true, stall: fault.Stalls).ConfigureAwait(false);
            return;
        }

        if (fault is { CutsRequest: true })
        {
            await ForwardHalfChunkAsync(context, path).ConfigureAwait(false);
            return;
        }

        if (fault is { Rewrites: true })
        {
            await ForwardAsync(context, path, rewrite: fault.Headers).ConfigureAwait(false);
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

            foreach (var (name, value) in fault.Headers ?? new Dictionary<string, string>())
            {
                response.AddHeader(name, value);
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

    private async Task ForwardAsync(
        HttpListenerContext context,
        string path,
        bool cutBody = false,
        bool stall = false,
        IReadOnlyDictionary<string, string>? rewrite = null)
    {
        var request = context.Request;
        using var forward = new HttpRequestMessage(new HttpMethod(request.HttpMethod), $"http://{_upstream}{path}");
        if (request.HasEntityBody)
        {
            forward.Content = new StreamContent(request.InputStream);
        }

        CopyRequestHeaders(request, forward);
        using var answer = await _upstreamClient.SendAsync(forward, HttpCompletionOption.ResponseHeadersRead)
            .ConfigureAwait(false);
        Requests.Enqueue($"{request.HttpMethod} {request.Url!.AbsolutePath} -> {(int)answer.StatusCode}");
        var response = context.Response;
        response.StatusCode = (int)answer.StatusCode;
        foreach (var header in answer.Headers.Concat(answer.Content.Headers))
        {
            if (header.Key is "Content-Length" or "Transfer-Encoding" or "Connection" or "Keep-Alive"
                || rewrite?.ContainsKey(header.Key) == true)
            {
                continue;
            }

            foreach (var value in header.Value)
            {
                response.AddHeader(header.Key, value);
            }
        }

        foreach (var (name, value) in rewrite ?? new Dictionary<string, string>())
        {
            response.AddHeader(name, value);
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

    private async Task ForwardHalfChunkAsync(HttpListenerContext context, string path)
    {
        var request = context.Request;
        using var body = new MemoryStream();
        await request.InputStream.CopyToAsync(body).ConfigureAwait(false);
        var start = long.Parse(request.Headers["Content-Range"]!.Split('-')[0], CultureInfo.InvariantCulture);
        var half = (int)(body.Length / 2);

        using var forward = new HttpRequestMessage(HttpMethod.Patch, $"http://{_upstream}{path}")
        {
            Content = new ByteArrayContent(body.GetBuffer(), 0, half),
        };
        CopyRequestHeaders(request, forward);
        forward.Content.Headers.Remove("Content-Length");
        forward.Content.Headers.ContentLength = half;
        forward.Content.Headers.Remove("Content-Range");
        forward.Content.Headers.TryAddWithoutValidation("Content-Range", $"{start}-{start + half - 1}");
        using var answer = await _upstreamClient.SendAsync(forward).ConfigureAwait(false);
        Requests.Enqueue($"PATCH {request.Url!.AbsolutePath} -> {(int)answer.StatusCode} (cut to {half} bytes)");

        // An answer that breaks off in its body, so the client sees a failed connection
        // whatever status line it read.
        var response = context.Response;
        response.StatusCode = 500;
        response.ContentLength64 = 100;
        await response.OutputStream.WriteAsync(new byte[10]).ConfigureAwait(false);
        await response.OutputStream.FlushAsync().ConfigureAwait(false);
        response.Abort();
    }

    private static void CopyRequestHeaders(HttpListenerRequest request, HttpRequestMessage forward)
    {
        foreach (var name in request.Headers.AllKeys.OfType<string>())
        {
            var values = request.Headers.GetValues(name) ?? [];
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Content-Range", StringComparison.OrdinalIgnoreCase))
            {
                forward.Content?.Headers.TryAddWithoutValidation(name, values);
            }
            else if (!name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                forward.Headers.TryAddWithoutValidation(name, values);
            }
        }
    }

    private Fault? TakeFault(string method, string path)
    {
        lock (_faults)
        {
            var fault = _faults.FirstOrDefault(f => f.Remaining > 0 && f.Method == method
                && path.Contains(f.PathPart, StringComparison.Ordinal));
            if (fault is { Skip: > 0 })
            {
                fault.Skip--;
                return null;
            }

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

        public int Skip { get; set; }

        public bool CutsBody { get; init; }

        public bool Stalls { get; init; }

        public bool CutsRequest { get; init; }

        public bool Rewrites { get; init; }

        public IReadOnlyDictionary<string, string>? Headers { get; init; }
    }
}
