using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace Drydock.Oci.Net;

/// <summary>
/// Builds the HTTP clients Drydock reaches registries, APT mirrors and advisory feeds with.
/// They never connect to a link-local address (169.254.0.0/16, fe80::/10), for the first
/// request or any redirect, because clouds serve instance metadata and credentials there and
/// the hosts come from images, sources.list files and servers Drydock does not trust.
/// </summary>
public static class GuardedHttp
{
    private const int MaxRedirects = 10;

    /// <summary>
    /// Creates a client that follows up to 10 redirects, each through the same link-local
    /// check, and never from HTTPS to HTTP (SocketsHttpHandler returns such a redirect
    /// unfollowed, so the caller sees the 3xx status).
    /// </summary>
    /// <param name="timeout">How long one request may take in all; HttpClient's 100 seconds when null.</param>
    /// <param name="verifyCertificates">False accepts any TLS certificate, for --insecure.</param>
    public static HttpClient Create(TimeSpan? timeout = null, bool verifyCertificates = true)
    {
        var client = new HttpClient(CreateHandler(verifyCertificates));
        if (timeout is { } limit)
        {
            client.Timeout = limit;
        }

        client.DefaultRequestHeaders.UserAgent.Add(UserAgent);
        return client;
    }

    // NOTE: with a proxy set (HTTP_PROXY, HTTPS_PROXY) the check applies to the proxy's address,
    // and the proxy, not Drydock, connects to the request's host.
    internal static SocketsHttpHandler CreateHandler(bool verifyCertificates)
    {
        var handler = new SocketsHttpHandler
        {
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(30),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = 16,

            // Redirects are followed inside the handler, so each new host goes through
            // ConnectCallback like the first. HttpClient drops the Authorization header on a
            // redirect, so registry tokens never reach a storage host.
            AllowAutoRedirect = true,
            MaxAutomaticRedirections = MaxRedirects,
            ConnectCallback = ConnectOutsideLinkLocalAsync,
        };
        if (!verifyCertificates)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        }

        return handler;
    }

    /// <summary>Whether an address is IPv4 or IPv6 link-local, IPv4-mapped forms included.</summary>
    public static bool IsLinkLocal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return address.AddressFamily == AddressFamily.InterNetwork
            ? address.GetAddressBytes() is [169, 254, ..]
            : address.IsIPv6LinkLocal;
    }

    private static ProductInfoHeaderValue UserAgent =>
        new("drydock", typeof(GuardedHttp).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");

    // The name is resolved here and the link-local addresses dropped before any socket exists,
    // so a host that resolves only to them is refused without a packet sent to it.
    private static async ValueTask<Stream> ConnectOutsideLinkLocalAsync(
        SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var endpoint = context.DnsEndPoint;
        var addresses = await Dns.GetHostAddressesAsync(endpoint.Host, cancellationToken).ConfigureAwait(false);
        var allowed = addresses.Where(address => !IsLinkLocal(address)).ToArray();
        if (allowed.Length == 0)
        {
            throw new HttpRequestException(
                HttpRequestError.ConnectionError,
                $"Drydock does not connect to '{endpoint.Host}': it resolves only to link-local addresses "
                + $"({string.Join(", ", addresses.Select(a => a.ToString()))}), where clouds serve instance "
                + "metadata. Use a registry or mirror on a routable address.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, endpoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
