package io.punchline.path;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decides how each datagram of a peer connection travels (DESIGN.md section 3): kwik addresses every peer by its
 * stable virtual address (the peer's bind address on its relay); the router sends to that address through the relay
 * bind until a direct path to the peer is validated, then raw from the engine socket to the punched address, and back
 * through the relay on fallback. Received datagrams from a direct address are mapped back to the virtual address.
 */
public final class PathRouter {

    /** Sends a UDP payload through the relay bind, from this engine's public bind address. */
    public interface RelaySender {
        void send(InetSocketAddress target, byte[] data, int offset, int length) throws IOException;
    }

    private final EngineSocket socket;
    private final RelaySender relay;
    private final Map<InetSocketAddress, InetSocketAddress> directByVirtual = new ConcurrentHashMap<>();
    private final Map<InetSocketAddress, InetSocketAddress> virtualByDirect = new ConcurrentHashMap<>();
    private final AtomicLong relayedBytes = new AtomicLong();
    private final AtomicLong directBytes = new AtomicLong();
    private final AtomicLong relayedDatagrams = new AtomicLong();
    private final AtomicLong sendErrors = new AtomicLong();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PathRouter.class);

    public PathRouter(EngineSocket socket, RelaySender relay) {
        this.socket = socket;
        this.relay = relay;
        socket.setVirtualSource(source -> virtualByDirect.getOrDefault(source, source));
    }

    /**
     * The {@link VirtualDatagramSocket.Outbound} of every peer connection. A datagram that cannot be sent (the kernel
     * answers ENOBUFS when a burst meets a full interface queue, a bind is closing) is dropped like any lost UDP
     * datagram and counted: kwik would abort the whole connection on an exception from its socket.
     */
    public void send(byte[] data, int offset, int length, InetSocketAddress virtualAddress) {
        InetSocketAddress direct = directByVirtual.get(virtualAddress);
        try {
            if (direct != null) {
                directBytes.addAndGet(length);
                socket.send(data, offset, length, direct);
            } else {
                relayedBytes.addAndGet(length);
                relayedDatagrams.incrementAndGet();
                relay.send(virtualAddress, data, offset, length);
            }
        } catch (IOException e) {
            if (sendErrors.getAndIncrement() % 1000 == 0) {
                LOG.debug("dropped a datagram to {} ({} so far): {}", direct != null ? direct : virtualAddress,
                        sendErrors.get(), e.getMessage());
            }
        }
    }

    /** Datagrams dropped because the socket or the relay bind refused them. */
    public long sendErrors() {
        return sendErrors.get();
    }

    /** Sends this peer's datagrams straight to {@code direct} from now on. */
    public void useDirect(InetSocketAddress virtualAddress, InetSocketAddress direct) {
        InetSocketAddress previous = directByVirtual.put(virtualAddress, direct);
        if (previous != null && !previous.equals(direct)) {
            virtualByDirect.remove(previous, virtualAddress);
        }
        virtualByDirect.put(direct, virtualAddress);
    }

    /** Sends this peer's datagrams through the relay again. Direct datagrams still arriving are still accepted. */
    public void useRelay(InetSocketAddress virtualAddress) {
        directByVirtual.remove(virtualAddress);
    }

    /** Accepts datagrams from {@code direct} as the peer's (before or after switching), mapped to its virtual address. */
    public void acceptFrom(InetSocketAddress virtualAddress, InetSocketAddress direct) {
        virtualByDirect.put(direct, virtualAddress);
    }

    /** Forgets everything about a peer whose session ended. */
    public void forget(InetSocketAddress virtualAddress) {
        directByVirtual.remove(virtualAddress);
        virtualByDirect.values().removeIf(virtualAddress::equals);
    }

    /** The direct address this peer's datagrams go to, or null while they go through the relay. */
    public InetSocketAddress directAddress(InetSocketAddress virtualAddress) {
        return directByVirtual.get(virtualAddress);
    }

    public long relayedBytes() {
        return relayedBytes.get();
    }

    public long relayedDatagrams() {
        return relayedDatagrams.get();
    }

    public long directBytes() {
        return directBytes.get();
    }
}
