using System.Net;
using System.Net.Sockets;

namespace Drydock.Testing.Apt;

/// <summary>
/// A static file server on 127.0.0.1 for a directory, so apt and Drydock fetch the same
/// repository over real HTTP. Answers 404 for anything outside the directory.
/// </summary>
public sealed class LoopbackFileServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly string _root;
    private readonly Task _loop;

    public LoopbackFileServer(string root)
    {
        _root = Path.GetFullPath(root);
        var port = FreePort();
        BaseUri = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(BaseUri.ToString());
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    /// <summary>The server's root URI, ending with a slash.</summary>
    public Uri BaseUri { get; }

    /// <summary>Paths answered with 302 Found to the given URI instead of a file; set before requests.</summary>
    public Dictionary<string, Uri> Redirects { get; } = [];

    /// <summary>The paths requested so far, in order.</summary>
    public List<string> Requests { get; } = [];

    public void Dispose()
    {
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception error) when (error is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => Answer(context));
        }
    }

    private void Answer(HttpListenerContext context)
    {
        var relative = Uri.UnescapeDataString(context.Request.Url!.AbsolutePath).TrimStart('/');
        lock (Requests)
        {
            Requests.Add(relative);
        }

        var path = Path.GetFullPath(Path.Combine(_root, relative));
        using var response = context.Response;
        if (Redirects.TryGetValue(relative, out var target))
        {
            response.StatusCode = 302;
            response.RedirectLocation = target.ToString();
            return;
        }

        if (!path.StartsWith(_root + "/", StringComparison.Ordinal) || !File.Exists(path))
        {
            response.StatusCode = 404;
            return;
        }

        var bytes = File.ReadAllBytes(path);
        response.ContentLength64 = bytes.Length;
        if (context.Request.HttpMethod != "HEAD")
        {
            response.OutputStream.Write(bytes);
        }
    }
}
