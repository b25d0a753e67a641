package io.punchline.natlab;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Classifies the NAT in front of an inside host by RFC 4787 behaviour, with two public servers, like the
 * tests of RFC 5780: a {@link UdpProbe} on the relay host with sockets on ports 3478, 3479 and 3480, and one
 * on the aux host with a socket on port 3478.
 *
 * <ul>
 *   <li>Mapping: one inside socket sends to relay:3478, relay:3479 and aux:3478; the servers report the
 *       source they see. All equal: endpoint-independent; equal for one address only: address-dependent;
 *       otherwise address-and-port-dependent. A source equal to the host's own address: no NAT.</li>
 *   <li>Filtering: a fresh inside socket sends to relay:3478 only. Then aux:3478 (another address) and
 *       relay:3480 (same address, another port) send to the source relay saw; relay:3478 sends too, as a
 *       control that must arrive. Received from aux: endpoint-independent; only from relay:3480:
 *       address-dependent; neither: address-and-port-dependent.</li>
 * </ul>
 */
public final class NatClassifier {

    public static final int PORT_1 = 3478;
    public static final int PORT_2 = 3479;
    public static final int PORT_FRESH = 3480;

    public enum Mapping { NONE, ENDPOINT_INDEPENDENT, ADDRESS_DEPENDENT, ADDRESS_AND_PORT_DEPENDENT }

    public enum Filtering { ENDPOINT_INDEPENDENT, ADDRESS_DEPENDENT, ADDRESS_AND_PORT_DEPENDENT }

    /** What was measured: the three mapped addresses, and which unsolicited senders got through. */
    public record Result(Mapping mapping, Filtering filtering, InetSocketAddress mapped1, InetSocketAddress mapped2,
                         InetSocketAddress mapped3, boolean fromOtherAddress, boolean fromOtherPort) {
    }

    private static final AtomicInteger TOKENS = new AtomicInteger();

    private final ProbeAgent relay;
    private final ProbeAgent aux;
    private final InetAddress relayIp;
    private final InetAddress auxIp;
    private final int copies;
    private final int negativeWaitMs;

    /** {@code copies}: datagrams per probe (more on lossy links); {@code negativeWaitMs}: how long "nothing arrives" waits. */
    public NatClassifier(NatLab lab, ProbeAgent relay, ProbeAgent aux, int copies, int negativeWaitMs) {
        this(relay, aux, lab.relayHost(), lab.auxHost(), copies, negativeWaitMs);
    }

    /** With the servers' addresses given, e.g. their IPv6 ones ({@link NatLab#relayHost6()}, {@link NatLab#auxHost6()}). */
    public NatClassifier(ProbeAgent relay, ProbeAgent aux, InetAddress relayIp, InetAddress auxIp, int copies, int negativeWaitMs) {
        this.relay = relay;
        this.aux = aux;
        this.relayIp = relayIp;
        this.auxIp = auxIp;
        this.copies = copies;
        this.negativeWaitMs = negativeWaitMs;
    }

    /** Binds the servers' sockets: call once per relay/aux agent pair. */
    public static void bindServers(ProbeAgent relay, ProbeAgent aux) throws IOException {
        relay.bind("r1", PORT_1);
        relay.bind("r2", PORT_2);
        relay.bind("r3", PORT_FRESH);
        aux.bind("a1", PORT_1);
    }

    public static String token(String what) {
        return what + "-" + TOKENS.incrementAndGet();
    }

    public Result classify(ProbeAgent inside, InetAddress insideAddress) throws IOException {
        String m = "m" + TOKENS.incrementAndGet();
        int localPort = inside.bind(m, 0);
        InetSocketAddress m1 = reach(inside, m, relay, "r1", relayIp, PORT_1);
        InetSocketAddress m2 = reach(inside, m, relay, "r2", relayIp, PORT_2);
        InetSocketAddress m3 = reach(inside, m, aux, "a1", auxIp, PORT_1);
        inside.command("close " + m, 0);
        Mapping mapping;
        if (m1.getAddress().equals(insideAddress) && m1.getPort() == localPort && m1.equals(m2) && m1.equals(m3)) {
            mapping = Mapping.NONE;
        } else if (m1.equals(m2) && m1.equals(m3)) {
            mapping = Mapping.ENDPOINT_INDEPENDENT;
        } else if (m1.equals(m2)) {
            mapping = Mapping.ADDRESS_DEPENDENT;
        } else {
            mapping = Mapping.ADDRESS_AND_PORT_DEPENDENT;
        }

        String f = "f" + TOKENS.incrementAndGet();
        inside.bind(f, 0);
        InetSocketAddress mapped = reach(inside, f, relay, "r1", relayIp, PORT_1);
        String control = token("control");
        relay.send("r1", mapped, control, copies);
        if (inside.expect(f, control, 3000).isEmpty()) {
            throw new IOException("the server's answer from the contacted endpoint did not arrive: the lab is broken");
        }
        String otherAddress = token("other-address");
        aux.send("a1", mapped, otherAddress, copies);
        boolean fromOtherAddress = inside.expect(f, otherAddress, negativeWaitMs).isPresent();
        String otherPort = token("other-port");
        relay.send("r3", mapped, otherPort, copies);
        boolean fromOtherPort = inside.expect(f, otherPort, negativeWaitMs).isPresent();
        inside.command("close " + f, 0);
        Filtering filtering = fromOtherAddress ? Filtering.ENDPOINT_INDEPENDENT
                : fromOtherPort ? Filtering.ADDRESS_DEPENDENT : Filtering.ADDRESS_AND_PORT_DEPENDENT;
        return new Result(mapping, filtering, m1, m2, m3, fromOtherAddress, fromOtherPort);
    }

    /** Sends from an inside socket to a server socket; returns the source the server saw. */
    private InetSocketAddress reach(ProbeAgent inside, String socket, ProbeAgent server, String serverSocket,
                                    InetAddress ip, int port) throws IOException {
        String text = token("map");
        inside.send(socket, ip, port, text, copies);
        Optional<InetSocketAddress> seen = server.expect(serverSocket, text, 3000);
        return seen.orElseThrow(() -> new IOException("no datagram from the inside host reached " + ip.getHostAddress() + ":" + port));
    }
}
