package io.punchline.discovery;

import io.punchline.crypto.Identity;
import io.punchline.masque.RelayAddress;
import io.punchline.tls.CertificateFingerprint;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
class LocalRelaysTest {

    private static RelayAddress someRelay() {
        byte[] fingerprint = new byte[32];
        new SecureRandom().nextBytes(fingerprint);
        return RelayAddress.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 4433),
                new CertificateFingerprint(fingerprint), Identity.generate(new SecureRandom()).peerId());
    }

    @Test
    void aRelayAnnouncedOnThisMachineIsFoundUntilItsAnnouncementCloses() throws Exception {
        RelayAddress relay = someRelay();
        try (AutoCloseable announcement = LocalRelays.announce(relay)) {
            assertThat(LocalRelays.onThisMachine()).contains(relay);
        }
        assertThat(LocalRelays.onThisMachine()).isEmpty();
    }

    @Test
    void anAnnouncementOfADeadProcessIsIgnored() throws Exception {
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        Files.writeString(LocalRelays.announcementFile(), dead.pid() + " " + someRelay() + "\n");
        try {
            assertThat(LocalRelays.onThisMachine()).isEmpty();
        } finally {
            Files.deleteIfExists(LocalRelays.announcementFile());
        }
    }

    @Test
    void aRelayAnnouncedOnTheLanIsFoundByItsMulticast() throws Exception {
        Assumptions.assumeTrue(multicastLoopsBack(), "this host does not deliver its own multicast (no multicast route)");
        RelayAddress relay = someRelay();
        try (AutoCloseable announcement = LocalRelays.announce(relay)) {
            assertThat(LocalRelays.onTheLan(Duration.ofSeconds(5))).contains(relay);
        }
    }

    private static boolean multicastLoopsBack() {
        try (MulticastSocket socket = new MulticastSocket(LocalRelays.GROUP_PORT)) {
            InetAddress group = InetAddress.getByName(LocalRelays.GROUP_ADDRESS);
            socket.joinGroup(new InetSocketAddress(group, 0), null);
            socket.setSoTimeout(1000);
            byte[] probe = "probe".getBytes();
            socket.send(new DatagramPacket(probe, probe.length, group, LocalRelays.GROUP_PORT));
            socket.receive(new DatagramPacket(new byte[64], 64));
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
