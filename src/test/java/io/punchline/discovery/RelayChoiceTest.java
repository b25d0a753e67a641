package io.punchline.discovery;

import io.punchline.crypto.Identity;
import io.punchline.masque.BindException;
import io.punchline.masque.RelayAddress;
import io.punchline.masque.RelayFleet;
import io.punchline.tls.CertificateFingerprint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The one relay choice of the CLI and the window: configured, then the dialled contact's relay, then a relay another
 * Punchline embeds nearby, then one embedded here; a nearby relay that refuses this device gives way to an embedded
 * one. Relays are announced in the test's own folder on its own multicast port; embedded relays are real.
 */
@Timeout(60)
class RelayChoiceTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @TempDir
    Path dir;

    private final List<String> said = new CopyOnWriteArrayList<>();
    private final List<ChosenRelay> chosen = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private final Identity owner = Identity.generate(new SecureRandom());
    private int groupPort;

    @AfterEach
    void closeAll() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
    }

    private static RelayAddress someRelay(int port) {
        byte[] fingerprint = new byte[32];
        new SecureRandom().nextBytes(fingerprint);
        return RelayAddress.of(new InetSocketAddress(LOOPBACK, port), new CertificateFingerprint(fingerprint),
                Identity.generate(new SecureRandom()).peerId());
    }

    private RelayChoice choice(RelayAddress configured, RelayAddress peersRelay, int embedPort) throws Exception {
        try (DatagramSocket free = new DatagramSocket(0)) {
            groupPort = free.getLocalPort();
        }
        RelayChoice choice = new RelayChoice(new RelayChoice.Rules(configured == null ? null : RelayFleet.of(configured), peersRelay, null,
                new RelayChoice.Embedding(new InetSocketAddress(LOOPBACK, embedPort), null, owner.peerId(),
                        dir.resolve("owner"))), new RelayChoice.Listener() {
            @Override
            public void chose(ChosenRelay relay) {
                chosen.add(relay);
            }

            @Override
            public void fellBack(String sentence) {
                said.add(sentence);
            }

            @Override
            public void warning(String message) {
                said.add(message);
            }
        }, dir.resolve("run"), groupPort);
        cleanup.add(choice);
        return choice;
    }

    private RelayAddress announcedNearby() {
        RelayAddress nearby = someRelay(4433);
        cleanup.add(LocalRelays.announce(nearby, dir.resolve("run"), groupPort));
        return nearby;
    }

    @Test
    void theConfiguredRelayComesFirstEvenWithAPeersRelayAndARelayNearby() throws Exception {
        RelayAddress configured = someRelay(4001);
        RelayChoice choice = choice(configured, someRelay(4002), 0);
        announcedNearby();
        ChosenRelay relay = choice.choose();
        assertThat(relay.address()).isEqualTo(configured);
        assertThat(relay.source()).isEqualTo(ChosenRelay.Source.CONFIGURED);
        assertThat(relay.origin()).isEqualTo("configured relay");
        assertThat(relay.embedded()).isFalse();
        assertThat(choice.<RelayAddress>start(RelayFleet::first)).isEqualTo(configured);
        assertThat(chosen).as("nothing said about a relay the user gave").isEmpty();
    }

    @Test
    void aConfiguredFleetGoesToTheEngineWholeWithAllItsRelays() throws Exception {
        RelayAddress first = someRelay(4001);
        RelayFleet fleet = RelayFleet.parse(first.authority() + ",127.0.0.1:4005" + first.toString().substring(first.authority().length()));
        RelayChoice choice = new RelayChoice(new RelayChoice.Rules(fleet, someRelay(4002), null,
                new RelayChoice.Embedding(new InetSocketAddress(LOOPBACK, 0), null, owner.peerId(), dir.resolve("owner"))),
                new RelayChoice.Listener() { }, dir.resolve("run"), 0);
        cleanup.add(choice);
        assertThat(choice.choose().source()).isEqualTo(ChosenRelay.Source.CONFIGURED);
        assertThat(choice.chosen().origin()).isEqualTo("configured fleet of 2 relays");
        assertThat(choice.<RelayFleet>start(relays -> relays)).isEqualTo(fleet);
        assertThat(fleet.size()).isEqualTo(2);
    }

    @Test
    void theDialledContactsRelayComesBeforeARelayNearby() throws Exception {
        RelayAddress peersRelay = someRelay(4002);
        RelayChoice choice = choice(null, peersRelay, 0);
        announcedNearby();
        assertThat(choice.choose().address()).isEqualTo(peersRelay);
        assertThat(choice.chosen().source()).isEqualTo(ChosenRelay.Source.PEERS_RELAY);
    }

    @Test
    void aRelayAnotherPunchlineEmbedsOnThisMachineComesBeforeEmbeddingOne() throws Exception {
        RelayChoice choice = choice(null, null, 0);
        RelayAddress nearby = announcedNearby();
        ChosenRelay relay = choice.choose();
        assertThat(relay.address()).isEqualTo(nearby);
        assertThat(relay.source()).isEqualTo(ChosenRelay.Source.NEARBY);
        assertThat(relay.origin()).isEqualTo("sharing the embedded relay of another Punchline on this machine (port "
                + "4433; it serves only its own device, the peers that device remembers and a device entering its "
                + "pairing code)");
        assertThat(chosen).containsExactly(relay);
        assertThat(choice.<RelayAddress>start(RelayFleet::first)).isEqualTo(nearby);
    }

    @Test
    void aNearbyRelayThatRefusesThisDeviceGivesWayToAnEmbeddedOneWhichIsAnnouncedOnceBound() throws Exception {
        RelayChoice choice = choice(null, null, 0);
        RelayAddress nearby = announcedNearby();
        RelayAddress bound = choice.start(relays -> {
            if (relays.first().equals(nearby)) {
                throw new BindException("403: the relay serves only its own device");
            }
            assertThat(LocalRelays.onThisMachine(dir.resolve("run"), said::add)).as("announced before bound")
                    .contains(nearby);
            return relays.first();
        });
        assertThat(said).containsExactly("the relay another Punchline embeds at " + nearby.authority() + " does not "
                + "serve this device (403: the relay serves only its own device); starting an embedded relay instead");
        ChosenRelay embedded = choice.chosen();
        assertThat(embedded.source()).isEqualTo(ChosenRelay.Source.EMBEDDED);
        assertThat(embedded.embedded()).isTrue();
        assertThat(bound).isEqualTo(embedded.address());
        assertThat(chosen).extracting(ChosenRelay::source)
                .containsExactly(ChosenRelay.Source.NEARBY, ChosenRelay.Source.EMBEDDED);
        assertThat(LocalRelays.onThisMachine(dir.resolve("run"), said::add)).contains(embedded.address());

        choice.close();
        assertThat(choice.chosen()).isNull();
        assertThat(LocalRelays.onThisMachine(dir.resolve("run"), said::add)).isEmpty();
    }

    @Test
    void withNothingNearbyARelayIsEmbeddedOnTheAskedForPortElseOnAFreeOne() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            int port = taken.getLocalPort();
            RelayChoice choice = choice(null, null, port);
            ChosenRelay relay = choice.choose();
            assertThat(relay.source()).isEqualTo(ChosenRelay.Source.EMBEDDED);
            int actual = relay.server().listenAddress().getPort();
            assertThat(actual).isNotEqualTo(port);
            assertThat(relay.origin()).isEqualTo("embedded relay on port " + actual + " (port " + port + " is taken): "
                    + EmbeddedRelayConfig.SERVES);
        }
        RelayChoice free = choice(null, null, 0);
        ChosenRelay relay = free.choose();
        assertThat(relay.origin()).isEqualTo("embedded relay on port " + relay.server().listenAddress().getPort() + ": "
                + EmbeddedRelayConfig.SERVES);
    }

    @Test
    void aLanSearchThatHearsNothingEmbedsARelay() throws Exception {
        try (DatagramSocket free = new DatagramSocket(0)) {
            groupPort = free.getLocalPort();
        }
        RelayChoice choice = new RelayChoice(new RelayChoice.Rules(null, null, Duration.ofMillis(300),
                new RelayChoice.Embedding(new InetSocketAddress(LOOPBACK, 0), null, owner.peerId(), dir.resolve("owner"))),
                new RelayChoice.Listener() { }, dir.resolve("run"), groupPort);
        cleanup.add(choice);
        assertThat(choice.choose().source()).isEqualTo(ChosenRelay.Source.EMBEDDED);
    }

    @Test
    void aFailedBindStopsTheEmbeddedRelayAndAnnouncesNothing() throws Exception {
        RelayChoice choice = choice(null, null, 0);
        assertThatThrownBy(() -> choice.start(address -> {
            throw new BindException("no");
        })).isInstanceOf(BindException.class);
        assertThat(choice.chosen()).isNull();
        assertThat(LocalRelays.onThisMachine(dir.resolve("run"), said::add)).isEmpty();
    }
}
