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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Brings up the NAT lab (lab/natlab.sh) with every NAT type and checks that each behaves as named, with real
 * UDP probes in the lab's namespaces. Needs root, iproute2, nftables and conntrack (gcc and ethtool for the
 * shaped site); skips with a message otherwise.
 */
@Tag("lab")
@Timeout(60)
class NatLabTest {

    private static final String PREFIX = "t" + (ProcessHandle.current().pid() % 10_000_000);
    private static final int NEGATIVE_WAIT_MS = 700;
    private static final int SHAPED_DELAY_MS = 30;
    private static final double SHAPED_LOSS_PERCENT = 10;

    private static NatLab lab;
    private static ProbeAgent relay;
    private static ProbeAgent aux;
    private static NatClassifier classifier;

    private static String unavailable;

    @BeforeAll
    @Timeout(180) // about 6 s on an idle machine; much slower when other builds share the 2 cores
    static void up() throws IOException {
        // Not an assumption here: surefire would report a class aborted in @BeforeAll as "0 tests", with no
        // message; @BeforeEach below makes every test show up as skipped, with the reason.
        unavailable = NatLab.unavailableReason().map(reason -> "NAT lab skipped: " + reason).orElse(null);
        if (unavailable != null) {
            System.err.println(unavailable);
            return;
        }
        NatLab.cleanLeftovers(PREFIX);
        Map<String, Site> sites = new LinkedHashMap<>();
        sites.put("pub", Site.of(NatType.PUBLIC));
        sites.put("fc", Site.of(NatType.EIM_EIF));
        sites.put("rc", Site.of(NatType.EIM_ADF));
        sites.put("prc", Site.of(NatType.EIM_APDF));
        sites.put("sym", Site.of(NatType.APDM));
        sites.put("cg", Site.of(NatType.CGNAT));
        sites.put("cgs", Site.of(NatType.CGNAT_SYM));
        sites.put("seq", Site.of(NatType.APDM_SEQ));
        sites.put("sh", Site.of(NatType.EIM_APDF).withHosts(2));
        sites.put("hp", Site.of(NatType.EIM_APDF).withHosts(2).withHairpin());
        sites.put("fchp", Site.of(NatType.EIM_EIF).withHosts(2).withHairpin());
        sites.put("cut", Site.of(NatType.EIM_APDF));
        sites.put("dl", Site.of(NatType.EIM_APDF).withShaping(SHAPED_DELAY_MS, SHAPED_LOSS_PERCENT));
        lab = NatLab.upSites(PREFIX, sites);
        relay = ProbeAgent.start(lab, "relay");
        aux = ProbeAgent.start(lab, "aux");
        NatClassifier.bindServers(relay, aux);
        classifier = new NatClassifier(lab, relay, aux, 1, NEGATIVE_WAIT_MS);
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

    @ParameterizedTest(name = "{0} ({1}): mapping {2}, filtering {3}")
    @CsvSource({
            "pub, public,   NONE,                       ENDPOINT_INDEPENDENT",
            "fc,  eim-eif,  ENDPOINT_INDEPENDENT,       ENDPOINT_INDEPENDENT",
            "rc,  eim-adf,  ENDPOINT_INDEPENDENT,       ADDRESS_DEPENDENT",
            "prc, eim-apdf, ENDPOINT_INDEPENDENT,       ADDRESS_AND_PORT_DEPENDENT",
            "sym, apdm,     ADDRESS_AND_PORT_DEPENDENT, ADDRESS_AND_PORT_DEPENDENT",
            "cg,  cgnat,    ENDPOINT_INDEPENDENT,       ADDRESS_AND_PORT_DEPENDENT",
            "cgs, cgnat-sym, ADDRESS_AND_PORT_DEPENDENT, ADDRESS_AND_PORT_DEPENDENT",
            "seq, apdm-seq, ADDRESS_AND_PORT_DEPENDENT, ADDRESS_AND_PORT_DEPENDENT",
    })
    void natBehavesAsNamed(String site, String type, Mapping mapping, Filtering filtering) throws IOException {
        lab.flush(site);
        try (ProbeAgent inside = ProbeAgent.start(lab, site)) {
            Result r = classifier.classify(inside, lab.hostAddress(site, 1));
            System.out.println("natlab " + site + " " + type + ": " + r);
            assertThat(r.mapping()).as("mapping of %s", type).isEqualTo(mapping);
            assertThat(r.filtering()).as("filtering of %s", type).isEqualTo(filtering);
            assertThat(r.mapped1().getAddress()).as("the address the internet sees").isEqualTo(lab.publicAddress(site));
        }
    }

    @Test
    void sharedNatWithoutHairpinGivesEachHostItsOwnPortAndNoHairpin() throws IOException {
        HairpinOutcome o = hairpin("sh");
        assertThat(o.reached).as("hairpin through a NAT without hairpinning").isEmpty();
    }

    @Test
    void sharedNatWithHairpinDeliversWithThePublicMappingAsSource() throws IOException {
        HairpinOutcome o = hairpin("hp");
        assertThat(o.reached).as("hairpin datagram, with the sender's public mapping as source").contains(o.mapped1);
        assertThat(o.replied).as("the answer back through the hairpin").contains(o.mapped2);
    }

    @Test
    void fullConeWithHairpin() throws IOException {
        HairpinOutcome o = hairpin("fchp");
        assertThat(o.reached).contains(o.mapped1);
        assertThat(o.replied).contains(o.mapped2);
    }

    private record HairpinOutcome(InetSocketAddress mapped1, InetSocketAddress mapped2, Optional<InetSocketAddress> reached,
                                  Optional<InetSocketAddress> replied) {
    }

    /** Two hosts behind one NAT bind the same local port, are seen by the relay, then host 1 sends to host 2's mapping. */
    private HairpinOutcome hairpin(String site) throws IOException {
        lab.flush(site);
        try (ProbeAgent h1 = ProbeAgent.start(lab, site + "-h1"); ProbeAgent h2 = ProbeAgent.start(lab, site + "-h2")) {
            h1.bind("x", 40000);
            h2.bind("y", 40000);
            String t1 = NatClassifier.token("h1");
            h1.send("x", lab.relayHost(), NatClassifier.PORT_1, t1, 1);
            InetSocketAddress m1 = relay.expect("r1", t1, 3000).orElseThrow();
            String t2 = NatClassifier.token("h2");
            h2.send("y", lab.relayHost(), NatClassifier.PORT_1, t2, 1);
            InetSocketAddress m2 = relay.expect("r1", t2, 3000).orElseThrow();
            assertThat(m1.getAddress()).isEqualTo(lab.publicAddress(site));
            assertThat(m2.getAddress()).isEqualTo(lab.publicAddress(site));
            assertThat(m1.getPort()).as("the first host keeps its port").isEqualTo(40000);
            assertThat(m2.getPort()).as("two hosts with one local port get different public ports").isNotEqualTo(m1.getPort());
            String hp = NatClassifier.token("hairpin");
            h1.send("x", m2, hp, 1);
            Optional<InetSocketAddress> reached = h2.expect("y", hp, NEGATIVE_WAIT_MS);
            Optional<InetSocketAddress> replied = Optional.empty();
            if (reached.isPresent()) {
                String back = NatClassifier.token("back");
                h2.send("y", reached.get(), back, 1);
                replied = h1.expect("x", back, 3000);
            }
            System.out.println("natlab " + site + " hairpin: m1=" + m1 + " m2=" + m2 + " reached=" + reached + " replied=" + replied);
            return new HairpinOutcome(m1, m2, reached, replied);
        }
    }

    @Test
    void cutDropsTheMappingAndRestoreLetsTrafficThroughAgain() throws IOException {
        lab.flush("cut");
        try (ProbeAgent h = ProbeAgent.start(lab, "cut")) {
            h.bind("c", 0);
            String t1 = NatClassifier.token("before");
            h.send("c", lab.relayHost(), NatClassifier.PORT_1, t1, 1);
            InetSocketAddress mapped = relay.expect("r1", t1, 3000).orElseThrow();
            String a1 = NatClassifier.token("answer");
            relay.send("r1", mapped, a1, 1);
            assertThat(h.expect("c", a1, 3000)).as("answer before the cut").isPresent();

            lab.cutSite("cut");
            String a2 = NatClassifier.token("inbound-while-cut");
            relay.send("r1", mapped, a2, 1);
            assertThat(h.expect("c", a2, NEGATIVE_WAIT_MS)).as("inbound while cut").isEmpty();
            String t2 = NatClassifier.token("outbound-while-cut");
            h.send("c", lab.relayHost(), NatClassifier.PORT_1, t2, 1);
            assertThat(relay.expect("r1", t2, NEGATIVE_WAIT_MS)).as("outbound while cut").isEmpty();

            lab.restoreSite("cut");
            String t3 = NatClassifier.token("after");
            h.send("c", lab.relayHost(), NatClassifier.PORT_1, t3, 1);
            InetSocketAddress mappedAfter = relay.expect("r1", t3, 3000).orElseThrow();
            String a3 = NatClassifier.token("answer-after");
            relay.send("r1", mappedAfter, a3, 1);
            assertThat(h.expect("c", a3, 3000)).as("answer after restore").isPresent();
        }
    }

    @Test
    void shapedLinkAddsDelayAndLossAndKeepsTheNatBehaviour() throws IOException {
        relay.bind("echo", 3490);
        relay.command("echo echo 60", 0);
        int count = 200;
        double[] plain = rtt("prc", count);
        double[] shaped = rtt("dl", count);
        System.out.printf("natlab rtt: prc median %.2f ms received %d/%d; dl median %.2f ms min %.2f received %d/%d%n",
                plain[1], (int) plain[0], count, shaped[1], shaped[2], (int) shaped[0], count);
        assertThat(plain[0]).as("an unshaped site loses nothing").isEqualTo(count);
        assertThat(plain[1]).as("unshaped median RTT, ms").isLessThan(SHAPED_DELAY_MS);
        assertThat(shaped[2]).as("shaped minimum RTT, ms: the delay each way, twice").isGreaterThanOrEqualTo(2 * SHAPED_DELAY_MS);
        assertThat(shaped[1]).as("shaped median RTT, ms").isLessThan(2 * SHAPED_DELAY_MS + 40);
        // 10% each way: 19% of round trips lost, 162 of 200 expected; 3 standard deviations is about 17
        assertThat(shaped[0]).as("round trips through a 10%%-lossy link, each way").isBetween(140.0, 185.0);

        try (ProbeAgent inside = ProbeAgent.start(lab, "dl")) {
            lab.flush("dl");
            Result r = new NatClassifier(lab, relay, aux, 6, 1000).classify(inside, lab.hostAddress("dl", 1));
            System.out.println("natlab dl eim-apdf (shaped): " + r);
            assertThat(r.mapping()).isEqualTo(Mapping.ENDPOINT_INDEPENDENT);
            assertThat(r.filtering()).isEqualTo(Filtering.ADDRESS_AND_PORT_DEPENDENT);
        }
    }

    /** Returns {received, median ms, min ms}. */
    private double[] rtt(String site, int count) throws IOException {
        try (ProbeAgent h = ProbeAgent.start(lab, site)) {
            h.bind("p", 0);
            // warm-up: JIT, and neighbour entries on the way, so the measurement sees only the link
            h.command("rtt p " + lab.relayHost().getHostAddress() + " 3490 20 5 500", 20 * 6L + 500);
            String answer = h.command("rtt p " + lab.relayHost().getHostAddress() + " 3490 " + count + " 5 1000", count * 6L + 1000);
            String[] w = answer.split(" ");
            // rtt p sent N received M min A median B max C
            return new double[]{Double.parseDouble(w[5]), Double.parseDouble(w[9]), Double.parseDouble(w[7])};
        }
    }
}
