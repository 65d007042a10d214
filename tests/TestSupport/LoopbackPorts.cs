using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Kusd.Moderation.TestSupport;

/// <summary>
/// Fixed ports for servers the tests start outside this process (PHP's built-in server). A port inside the kernel's
/// ephemeral range can be held at any moment by an outgoing connection of a test running beside this one (the API
/// tests open thousands), and then the server fails with "address already in use". So the port is taken below that
/// range, and only after a bind shows it is free.
/// </summary>
public static class LoopbackPorts
{
    private const int Lowest = 20_000;

    public static int FreeBelowEphemeralRange()
    {
        var ceiling = EphemeralRangeStart();
        var span = ceiling - Lowest;
        var first = Lowest + Random.Shared.Next(span);
        for (var i = 0; i < span; i++)
        {
            var port = Lowest + ((first - Lowest + i) % span);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken: try the next one.
            }
        }

        throw new InvalidOperationException($"No free loopback port between {Lowest} and {ceiling}.");
    }

    private static int EphemeralRangeStart()
    {
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        if (File.Exists(range)
            && int.TryParse(File.ReadAllText(range).Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[0], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            && start > Lowest + 1_000)
        {
            return start;
        }

        return 32_768;
    }
}
