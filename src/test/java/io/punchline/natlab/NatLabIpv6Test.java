package io.punchline.natlab;

import io.punchline.natlab.NatClassifier.Filtering;
import io.punchline.natlab.NatClassifier.Mapping;
import io.punchline.natlab.NatClassifier.Result;
import io.punchline.natlab.NatLab.NatType;
import io.punchline.natlab.NatLab.Site;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The lab's IPv6 sites (docs/NATLAB.md, "IPv6") behave as documented: global addresses, untranslated, behind a stateful
 * firewall that lets in only return traffic (address-and-port-dependent filtering, like a home router's IPv6 default);
 * a dual-stack site keeps its IPv4 NAT; an IPv6-only site has no IPv4. A lab of its own, so {@link NatLabTest}'s lab stays
 * one without IPv6.
 */
@Tag("lab")
@Timeout(60)
class NatLabIpv6Test {

    private static final String PREFIX = "u" + (ProcessHandle.current().pid() % 10_000_000);
    private static final int NEGATIVE_WAIT_MS = 700;

    private static NatLab lab;
    private static ProbeAgent relay;
    private static ProbeAgent aux;
    private static String unavailable;

    @BeforeAll
    @Timeout(180)
    static void up() throws IOException {
        unavailable = NatLab.unavailableReason().map(reason -> "NAT lab skipped: " + reason).orElse(null);
        if (unavailable == null && !Files.isDirectory(Path.of("/proc/sys/net/ipv6"))) {
            unavailable = "NAT lab IPv6 skipped: this kernel has no IPv6";
        }
        if (unavailable != null) {
            System.err.println(unavailable);
            return;
        }
        NatLab.cleanLeftovers(PREFIX);
        Map<String, Site> sites = new LinkedHashMap<>();
        sites.put("v6", Site.of(NatType.EIM_APDF).withIpv6());
        sites.put("sym6", Site.of(NatType.APDM).withIpv6());
        sites.put("v6o", Site.of(NatType.V6ONLY).withHosts(2));
        lab = NatLab.upSites(PREFIX, sites);
        relay = ProbeAgent.start(lab, "relay");
        aux = ProbeAgent.start(lab, "aux");
        NatClassifier.bindServers(relay, aux);
    }

    @BeforeEach
    void labAvailable() {
        Assumptions.assumeTrue(unavailable == null, unavailable);
        Assumptions.assumeTrue(lab != null, "NAT lab did not come up");
    }

    @AfterAll
    static void down() throws IOException {
        try {
            if (relay != null) {
                relay.close();
            }
            if (aux != null) {
                aux.close();
            }
        } finally {
            if (lab != null) {
                lab.close();
            }
        }
    }

    @ParameterizedTest(name = "{0}: IPv6 untranslated, filtered like eim-apdf")
    @CsvSource({"v6", "sym6", "v6o", "v6o-h2"})
    void ipv6IsUntranslatedAndOnlyReturnTrafficComesIn(String target) throws IOException {
        String site = target.split("-")[0];
        int host = target.endsWith("-h2") ? 2 : 1;
        lab.flush(site);
        try (ProbeAgent inside = ProbeAgent.start(lab, target)) {
            Result r = new NatClassifier(relay, aux, lab.relayHost6(), lab.auxHost6(), 1, NEGATIVE_WAIT_MS)
                    .classify(inside, lab.ipv6Address(site, host));
            System.out.println("natlab " + target + " IPv6: " + r);
            assertThat(r.mapped1().getAddress()).as("the address the internet sees: the host's own")
                    .isEqualTo(lab.ipv6Address(site, host));
            assertThat(r.mapping()).as("no NAT66").isEqualTo(Mapping.NONE);
            assertThat(r.filtering()).as("the stateful firewall: return traffic only")
                    .isEqualTo(Filtering.ADDRESS_AND_PORT_DEPENDENT);
        }
    }

    @ParameterizedTest(name = "{0}: IPv4 still {1} / {2}")
    @CsvSource({"v6, ENDPOINT_INDEPENDENT, ADDRESS_AND_PORT_DEPENDENT",
            "sym6, ADDRESS_AND_PORT_DEPENDENT, ADDRESS_AND_PORT_DEPENDENT"})
    void aDualStackSiteKeepsItsIpv4Nat(String site, Mapping mapping, Filtering filtering) throws IOException {
        lab.flush(site);
        try (ProbeAgent inside = ProbeAgent.start(lab, site)) {
            Result r = new NatClassifier(lab, relay, aux, 1, NEGATIVE_WAIT_MS).classify(inside, lab.hostAddress(site, 1));
            System.out.println("natlab " + site + " IPv4: " + r);
            assertThat(r.mapping()).isEqualTo(mapping);
            assertThat(r.filtering()).isEqualTo(filtering);
            assertThat(r.mapped1().getAddress()).isEqualTo(lab.publicAddress(site));
        }
    }

    @Test
    void anIpv6OnlySiteHasNoIpv4() throws IOException {
        for (String host : new String[]{"v6o-h1", "v6o-h2"}) {
            assertThat(lab.run(host, Duration.ofSeconds(10), List.of("ip", "-4", "-o", "addr", "show", "scope", "global")))
                    .as("global IPv4 addresses of %s", host).isBlank();
            assertThat(lab.run(host, Duration.ofSeconds(10), List.of("ip", "-4", "route", "show"))).as("IPv4 routes of %s", host).isBlank();
        }
        assertThat(lab.run("v6o-r", Duration.ofSeconds(10), List.of("cat", "/proc/sys/net/ipv4/ip_forward")).strip())
                .as("the router forwards no IPv4").isEqualTo("0");
    }

    @Test
    void anIpv6OnlyHostCannotSendIpv4ButReachesTheRelayOverIpv6() throws IOException {
        try (ProbeAgent inside = ProbeAgent.start(lab, "v6o")) {
            inside.bind("s", 0);
            assertThatThrownBy(() -> inside.send("s", lab.relayHost(), NatClassifier.PORT_1, NatClassifier.token("v4"), 1))
                    .as("an IPv4 datagram from a host with no IPv4 route").hasMessageContaining("unreachable");
            String t = NatClassifier.token("v6");
            inside.send("s", lab.relayHost6(), NatClassifier.PORT_1, t, 1);
            InetSocketAddress seen = relay.expect("r1", t, 3000).orElseThrow();
            assertThat(seen.getAddress()).isEqualTo(lab.ipv6Address("v6o", 1));
        }
    }
}
