package io.punchline.path;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * The engine's one UDP socket (DESIGN.md section 1) and its demultiplexer. Everything goes through it: the QUIC
 * connection to the relay, every peer connection when it runs direct, and path probes; sharing the socket is what makes
 * the address the relay observes the one a peer must punch toward.
 *
 * <p>Each datagram, whether it came in on the socket or through the relay bind, is dispatched by its first byte and
 * destination connection ID:
 * <ul>
 *   <li>QUIC fixed bit clear: a Punchline message (path probe, reflexive-address echo) for the {@link ProbeHandler};</li>
 *   <li>otherwise a QUIC packet for the client connection that owns its destination connection ID (the relay
 *   connection, or a peer connection this engine dialled), else for the server connector (peer connections this
 *   engine accepted). Routing by remote address alone would be wrong: two engines may each dial the other over the
 *   same address pair.</li>
 * </ul>
 * Datagrams from a peer's direct (punched) address are handed to kwik with the peer's stable virtual address as
 * source, so kwik never sees a path change (DESIGN.md section 3).
 */
public final class EngineSocket implements AutoCloseable {

    /** Receives Punchline's non-QUIC datagrams. */
    public interface ProbeHandler {
        void onProbe(byte[] data, int offset, int length, InetSocketAddress source, boolean viaRelay);
    }

    private static final Logger LOG = LoggerFactory.getLogger(EngineSocket.class);
    private static final int MAX_DATAGRAM = 2048;

    private final DatagramSocket socket;
    private final InetSocketAddress localAddress;
    private final List<ClientRoute> clients = new CopyOnWriteArrayList<>();
    private final Thread receiver;
    private volatile VirtualDatagramSocket server;
    private volatile ProbeHandler probeHandler = (d, o, l, s, r) -> { };
    private volatile UnaryOperator<InetSocketAddress> virtualSource = UnaryOperator.identity();
    private volatile boolean closed;

    private static final class ClientRoute {
        final VirtualDatagramSocket socket;
        volatile ConnectionIdOwner owner;

        ClientRoute(VirtualDatagramSocket socket) {
            this.socket = socket;
        }
    }

    private EngineSocket(DatagramSocket socket) {
        this.socket = socket;
        this.localAddress = (InetSocketAddress) socket.getLocalSocketAddress();
        this.receiver = new Thread(this::receiveLoop, "engine-socket-" + localAddress.getPort());
        this.receiver.setDaemon(true);
    }

    /** Binds the engine's socket ({@code port} 0: any free port) and starts reading it. */
    public static EngineSocket bind(InetSocketAddress local) throws SocketException {
        DatagramSocket socket = new DatagramSocket(local);
        try {
            socket.setReceiveBufferSize(4 * 1024 * 1024);
            socket.setSendBufferSize(4 * 1024 * 1024);
        } catch (SocketException e) {
            // the kernel's limits apply
        }
        EngineSocket engineSocket = new EngineSocket(socket);
        engineSocket.receiver.start();
        return engineSocket;
    }

    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /**
     * A socket for a kwik client connection; call {@link #own} with the connection once it is built. Until then,
     * nothing can arrive for it (it has sent nothing).
     */
    public VirtualDatagramSocket clientSocket(VirtualDatagramSocket.Outbound outbound) throws SocketException {
        ClientRoute[] holder = new ClientRoute[1];
        VirtualDatagramSocket virtual = new VirtualDatagramSocket(localAddress, outbound, () -> clients.remove(holder[0]));
        holder[0] = new ClientRoute(virtual);
        clients.add(holder[0]);
        return virtual;
    }

    /** Routes QUIC packets whose destination connection ID {@code owner} claims to {@code socket}. */
    public void own(VirtualDatagramSocket socket, ConnectionIdOwner owner) {
        for (ClientRoute route : clients) {
            if (route.socket == socket) {
                route.owner = owner;
            }
        }
    }

    /** The socket of the engine's kwik server connector: every QUIC packet no client connection owns. */
    public synchronized VirtualDatagramSocket serverSocket(VirtualDatagramSocket.Outbound outbound) throws SocketException {
        if (server != null) {
            throw new IllegalStateException("the engine socket already has a server socket");
        }
        server = new VirtualDatagramSocket(localAddress, outbound, () -> server = null);
        return server;
    }

    /** The server connector's socket, for its counters; null before {@link #serverSocket} was called. */
    public VirtualDatagramSocket server() {
        return server;
    }

    public void setProbeHandler(ProbeHandler handler) {
        this.probeHandler = handler;
    }

    /** Maps a direct source address to the peer's virtual address (identity for unknown addresses). */
    public void setVirtualSource(UnaryOperator<InetSocketAddress> mapping) {
        this.virtualSource = mapping;
    }

    /** Sends a datagram from the engine's socket. */
    public void send(byte[] data, int offset, int length, InetSocketAddress to) throws IOException {
        socket.send(new DatagramPacket(data, offset, length, to));
    }

    /** A datagram that reached this engine through its relay bind, from {@code source} (a peer's bind address). */
    public void deliverFromRelay(InetSocketAddress source, byte[] data, int offset, int length) {
        dispatch(data, offset, length, source, true);
    }

    private void receiveLoop() {
        byte[] buffer = new byte[MAX_DATAGRAM];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        while (!closed) {
            try {
                packet.setLength(buffer.length);
                socket.receive(packet);
                dispatch(buffer, 0, packet.getLength(), (InetSocketAddress) packet.getSocketAddress(), false);
            } catch (IOException e) {
                if (!closed) {
                    LOG.debug("engine socket receive failed: {}", e.getMessage());
                }
            } catch (RuntimeException e) {
                LOG.warn("dropped a datagram that could not be dispatched", e);
            }
        }
    }

    private void dispatch(byte[] data, int offset, int length, InetSocketAddress source, boolean viaRelay) {
        if (!QuicPacketHeader.isQuic(data, offset, length)) {
            probeHandler.onProbe(data, offset, length, source, viaRelay);
            return;
        }
        long dcid = QuicPacketHeader.destinationConnectionId(data, offset, length);
        if (dcid < 0) {
            return;
        }
        int cidOffset = (int) dcid;
        int cidLength = (int) (dcid >>> 32);
        InetSocketAddress from = viaRelay ? source : virtualSource.apply(source);
        for (ClientRoute route : clients) {
            ConnectionIdOwner owner = route.owner;
            if (owner != null && owner.owns(data, cidOffset, cidLength)) {
                route.socket.deliver(data, offset, length, from);
                return;
            }
        }
        VirtualDatagramSocket serverSocket = server;
        if (serverSocket != null) {
            serverSocket.deliver(data, offset, length, from);
        }
    }

    @Override
    public void close() {
        closed = true;
        socket.close();
        for (ClientRoute route : clients) {
            route.socket.close();
        }
        VirtualDatagramSocket serverSocket = server;
        if (serverSocket != null) {
            serverSocket.close();
        }
    }
}
