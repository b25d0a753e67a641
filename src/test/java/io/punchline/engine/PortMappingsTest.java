package io.punchline.engine;

import io.punchline.portmap.GatewayProtocol;
import io.punchline.portmap.PortMapping;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@link PortMappings} offers as the mapped candidate, and when it tells the running sessions: the gateway's
 * reports are fed in directly (an engine on loopback asks no gateway).
 */
class PortMappingsTest {

    private static final InetSocketAddress PUBLIC = new InetSocketAddress("198.51.100.7", 40000);
    private static final InetSocketAddress OTHER_PUBLIC = new InetSocketAddress("198.51.100.7", 40001);
    private static final InetSocketAddress PRIVATE = new InetSocketAddress("10.0.0.7", 40000);

    private final EventBus events = new EventBus();
    private final PortMappings mappings = PortMappings.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000), events);
    private final AtomicInteger changes = new AtomicInteger();

    PortMappingsTest() {
        mappings.onAdvertisedChange(changes::incrementAndGet);
    }

    @Test
    void aPublicMappingIsOfferedAndTheSessionsAreToldOncePerChange() {
        mappings.mapped(new PortMapping(GatewayProtocol.PCP, PUBLIC, 40000, 7200), false);
        assertThat(mappings.advertised()).isEqualTo(PUBLIC);
        assertThat(changes).hasValue(1);

        mappings.mapped(new PortMapping(GatewayProtocol.PCP, PUBLIC, 40000, 7200), true);
        assertThat(changes).as("a renewal of the same address").hasValue(1);

        mappings.mapped(new PortMapping(GatewayProtocol.PCP, OTHER_PUBLIC, 40000, 7200), true);
        assertThat(mappings.advertised()).isEqualTo(OTHER_PUBLIC);
        assertThat(changes).hasValue(2);

        mappings.lost(new PortMapping(GatewayProtocol.PCP, OTHER_PUBLIC, 40000, 7200), "expired");
        assertThat(mappings.advertised()).isNull();
        assertThat(changes).hasValue(3);
    }

    @Test
    void aMappingToAPrivateAddressIsNotOfferedAndChangesNothing() {
        mappings.mapped(new PortMapping(GatewayProtocol.UPNP_IGD, PRIVATE, 40000, 3600), false);
        assertThat(mappings.advertised()).isNull();
        assertThat(changes).hasValue(0);
    }
}
