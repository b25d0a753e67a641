package io.punchline.engine;

import io.punchline.engine.EngineEvent.MappingProtocol;
import io.punchline.nat.AddressScope;
import io.punchline.nat.Candidate;
import io.punchline.portmap.PortMapper;
import io.punchline.portmap.PortMapping;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * The engine's port mapping (docs/ARCHITECTURE.md, "Port mapping"): a {@link PortMapper} for the engine socket's port,
 * its reports as events, and the mapped address to offer as a candidate while the gateway holds it and it is public (a
 * gateway behind another NAT, or one that names a private or special address, maps nothing peers could reach).
 */
final class PortMappings implements PortMapper.Listener, AutoCloseable {

    /** The mapping's state is published as the latest of this topic: a CLI or window subscribing later still sees it. */
    private static final String TOPIC = "port-mapping";
    private final EventBus events;
    private final PortMapper mapper;
    private volatile InetSocketAddress advertised;
    private volatile Runnable onAdvertisedChange = () -> { };

    private PortMappings(InetSocketAddress socket, EventBus events) {
        this.events = events;
        this.mapper = socket.getAddress().isLoopbackAddress() ? null : PortMapper.start(socket.getPort(), this);
    }

    /** Starts mapping the port of {@code socket}, unless it is bound to a loopback address (no gateway serves it). */
    static PortMappings start(InetSocketAddress socket, EventBus events) {
        return new PortMappings(socket, events);
    }

    /** The mapped address to offer peers, or null. */
    InetSocketAddress advertised() {
        return advertised;
    }

    /** Runs {@code action} (on the mapping thread) whenever the address to offer changes: sessions offer it late. */
    void onAdvertisedChange(Runnable action) {
        this.onAdvertisedChange = action;
    }

    @Override
    public void mapped(PortMapping mapping, boolean renewal) {
        InetSocketAddress external = mapping.external();
        boolean isPublic = Candidate.isUsable(external) && AddressScope.of(external.getAddress()) == AddressScope.PUBLIC;
        events.publishLatest(TOPIC, new EngineEvent.PortMapped(protocol(mapping), external.toString(), mapping.lifetimeSeconds(),
                isPublic, renewal));
        advertise(isPublic ? external : null);
    }

    @Override
    public void lost(PortMapping mapping, String reason) {
        events.publishLatest(TOPIC, new EngineEvent.PortMappingLost(protocol(mapping), mapping.external().toString(), reason));
        advertise(null);
    }

    private void advertise(InetSocketAddress address) {
        InetSocketAddress before = advertised;
        advertised = address;
        if (!Objects.equals(before, address)) {
            onAdvertisedChange.run();
        }
    }

    @Override
    public void unavailable(String reason) {
        events.publishLatest(TOPIC, new EngineEvent.PortMappingUnavailable(reason));
    }

    private static MappingProtocol protocol(PortMapping mapping) {
        return switch (mapping.protocol()) {
            case PCP -> MappingProtocol.PCP;
            case NAT_PMP -> MappingProtocol.NAT_PMP;
            case UPNP_IGD -> MappingProtocol.UPNP_IGD;
        };
    }

    /** Deletes the mapping on the gateway. */
    @Override
    public void close() {
        advertised = null;
        if (mapper != null) {
            mapper.close();
        }
    }
}
