package io.punchline.portmap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Keeps one UDP mapping of the engine socket's port on the local gateway (docs/ARCHITECTURE.md, "Port mapping"): tries
 * PCP, then NAT-PMP, then UPnP-IGD, sticks with the first that grants one, renews it ({@link MappingRenewal}) and
 * deletes it on {@link #close}. Everything runs on one daemon thread of its own, {@code port-mapping}, never on the
 * engine's socket or timer threads; the listener is called there.
 */
public final class PortMapper implements AutoCloseable {

    /** What the mapper reports. */
    public interface Listener {
        /** A mapping was granted or renewed ({@code renewal}); its address may differ from the last one. */
        void mapped(PortMapping mapping, boolean renewal);

        /** The mapping expired without a renewal. */
        void lost(PortMapping mapping, String reason);

        /** No gateway granted a mapping on the first try (and later tries are quiet until one does). */
        void unavailable(String reason);
    }

    /** RFC 6886 section 3.3's recommended lifetime, used for all three protocols. */
    public static final long LIFETIME_SECONDS = 7200;
    private static final Logger LOG = LoggerFactory.getLogger(PortMapper.class);

    private final List<MappingClient> clients;
    private final int internalPort;
    private final Listener listener;
    private final MappingRenewal renewal = new MappingRenewal();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "port-mapping");
        t.setDaemon(true);
        return t;
    });
    private MappingClient chosen;
    private boolean reportedUnavailable;
    private volatile PortMapping current;
    private volatile boolean closed;

    PortMapper(List<MappingClient> clients, int internalPort, Listener listener) {
        this.clients = List.copyOf(clients);
        this.internalPort = internalPort;
        this.listener = listener;
    }

    /**
     * Starts mapping {@code internalPort} on the default gateway ({@link DefaultGateway}); with no gateway known (not
     * Linux, or no default route) it reports {@code unavailable} and does nothing more.
     */
    public static PortMapper start(int internalPort, Listener listener) {
        InetAddress gateway = DefaultGateway.find().orElse(null);
        if (gateway == null) {
            PortMapper idle = new PortMapper(List.of(), internalPort, listener);
            idle.thread.execute(() -> listener.unavailable("no IPv4 default gateway found (/proc/net/route)"));
            return idle;
        }
        return start(gateway, NatPmpCodec.PORT, SsdpSearch.MULTICAST, internalPort, listener);
    }

    /** Starts mapping on {@code gateway}, whose PCP/NAT-PMP port is {@code pcpPort}; SSDP searches go to {@code ssdp}. */
    static PortMapper start(InetAddress gateway, int pcpPort, InetSocketAddress ssdp, int internalPort, Listener listener) {
        InetSocketAddress pcp = new InetSocketAddress(gateway, pcpPort);
        PortMapper mapper = new PortMapper(List.of(new PcpClient(pcp), new NatPmpClient(pcp), new UpnpIgdClient(gateway, ssdp)),
                internalPort, listener);
        LOG.debug("asking gateway {} for a UDP mapping of port {}", gateway.getHostAddress(), internalPort);
        mapper.thread.execute(mapper::attempt);
        return mapper;
    }

    /** The mapping held now, or null. */
    public PortMapping current() {
        return current;
    }

    private void attempt() {
        long now = System.currentTimeMillis();
        List<String> reasons = new ArrayList<>();
        for (MappingClient client : chosen != null ? List.of(chosen) : clients) {
            try {
                PortMapping mapping = client.map(internalPort, LIFETIME_SECONDS);
                boolean renewed = chosen != null;
                chosen = client;
                if (closed) {
                    delete();
                    return;
                }
                current = mapping;
                schedule(renewal.granted(mapping, now) - now);
                listener.mapped(mapping, renewed);
                return;
            } catch (IOException | RuntimeException e) {
                reasons.add(client.protocol() + ": " + e.getMessage());
            }
        }
        if (closed) {
            return;
        }
        MappingRenewal.Failure failure = renewal.failed(System.currentTimeMillis());
        if (failure.lost() != null) {
            current = null;
            chosen = null;
            listener.lost(failure.lost(), String.join("; ", reasons));
        } else if (current == null && !reportedUnavailable) {
            reportedUnavailable = true;
            listener.unavailable(String.join("; ", reasons));
        }
        LOG.debug("no port mapping: {}", reasons);
        schedule(failure.nextAttemptMillis() - System.currentTimeMillis());
    }

    private void schedule(long delayMillis) {
        if (!thread.isShutdown()) {
            thread.schedule(this::attempt, Math.max(0, delayMillis), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Deletes the mapping, waiting up to 3 s for the gateway, and stops the thread. With no mapping held it does not
     * wait for an attempt in progress: an attempt that is granted one after this deletes it at once.
     */
    @Override
    public void close() {
        closed = true;
        if (current == null) {
            thread.shutdownNow();
            return;
        }
        try {
            thread.submit(this::delete).get(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            LOG.debug("port mapping not deleted: {}", e.toString());
        } finally {
            thread.shutdownNow();
        }
    }

    private void delete() {
        if (chosen != null) {
            try {
                chosen.delete();
            } catch (IOException e) {
                LOG.debug("deleting the port mapping failed: {}", e.getMessage());
            }
        }
        renewal.clear();
        current = null;
    }
}
