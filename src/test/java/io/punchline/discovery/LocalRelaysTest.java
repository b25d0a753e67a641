package io.punchline.discovery;

import io.punchline.crypto.Identity;
import io.punchline.masque.RelayAddress;
import io.punchline.relay.RelayConfig;
import io.punchline.relay.RelayServer;
import io.punchline.tls.CertificateFingerprint;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Finding another Punchline's embedded relay (issue 11 point 7): the announcement file is trusted only in this user's
 * private folder, and a relay heard on the LAN is used only once it proved the identity it announced. Each test uses
 * its own folder and its own multicast port, so that relays announced by other test runs on this host do not interfere.
 */
@Timeout(60)
class LocalRelaysTest {

    @TempDir
    Path dir;

    private final List<String> reports = new CopyOnWriteArrayList<>();

    private static RelayAddress someRelay() {
        byte[] fingerprint = new byte[32];
        new SecureRandom().nextBytes(fingerprint);
        return RelayAddress.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 4433),
                new CertificateFingerprint(fingerprint), Identity.generate(new SecureRandom()).peerId());
    }

    private static int freeGroupPort() throws Exception {
        try (DatagramSocket socket = new DatagramSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void aRelayAnnouncedOnThisMachineIsFoundUntilItsAnnouncementCloses() throws Exception {
        Path folder = dir.resolve("run");
        RelayAddress relay = someRelay();
        try (AutoCloseable announcement = LocalRelays.announce(relay, folder, freeGroupPort())) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder))).isEqualTo("rwx------");
            assertThat(LocalRelays.onThisMachine(folder, reports::add)).contains(relay);
        }
        assertThat(LocalRelays.onThisMachine(folder, reports::add)).isEmpty();
        assertThat(reports).isEmpty();
    }

    @Test
    void theAnnouncementFolderIsTheUsersRuntimeFolderNeverTheSharedTemporaryFolder() {
        Path config = Path.of("/home/u/.config/punchline");
        assertThat(LocalRelays.announcementFolder("/run/user/1000", config)).isEqualTo(Path.of("/run/user/1000/punchline"));
        assertThat(LocalRelays.announcementFolder(null, config)).isEqualTo(config.resolve("run"));
        assertThat(LocalRelays.announcementFolder("relative", config)).isEqualTo(config.resolve("run"));
    }

    @Test
    void aForgedAnnouncementInTheSharedTemporaryFolderIsNotUsed() throws Exception {
        // where the announcement used to be: any local user can write there, and PID 1 is always alive
        String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_");
        Path forgedFile = Path.of(System.getProperty("java.io.tmpdir"), "punchline-relay-" + user + ".txt");
        Assumptions.assumeFalse(Files.exists(forgedFile), forgedFile + " exists already (another run announces there)");
        RelayAddress forged = someRelay();
        Files.writeString(forgedFile, "1 " + forged + "\n");
        try {
            assertThat(LocalRelays.onThisMachine(reports::add)).isNotEqualTo(Optional.of(forged));
        } finally {
            Files.deleteIfExists(forgedFile);
        }
    }

    @Test
    void anAnnouncementInAFolderOthersCanWriteIsRefusedSayingWhy() throws Exception {
        Path folder = dir.resolve("run");
        Files.createDirectory(folder);
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.writeString(folder.resolve(LocalRelays.FILE_NAME), ProcessHandle.current().pid() + " " + someRelay());
        Files.setPosixFilePermissions(folder.resolve(LocalRelays.FILE_NAME), PosixFilePermissions.fromString("rw-------"));
        assertThat(LocalRelays.onThisMachine(folder, reports::add)).isEmpty();
        assertThat(reports).singleElement().asString().contains(folder.toString()).contains("open to other users")
                .contains("chmod 700");
    }

    @Test
    void anAnnouncementFileOthersCanWriteIsRefusedSayingWhy() throws Exception {
        Path folder = dir.resolve("run");
        RelayAddress relay = someRelay();
        try (AutoCloseable announcement = LocalRelays.announce(relay, folder, freeGroupPort())) {
            Path file = folder.resolve(LocalRelays.FILE_NAME);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
            assertThat(LocalRelays.onThisMachine(folder, reports::add)).isEmpty();
            assertThat(reports).singleElement().asString().contains(file.toString()).contains("chmod 600");
        }
    }

    @Test
    void anAnnouncementFolderOfAnotherUserIsRefusedSayingWhy() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root to give a folder away");
        Path folder = dir.resolve("run");
        RelayAddress relay = someRelay();
        try (AutoCloseable announcement = LocalRelays.announce(relay, folder, freeGroupPort())) {
            UserPrincipal nobody = folder.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
            Files.setOwner(folder, nobody);
            assertThat(LocalRelays.onThisMachine(folder, reports::add)).isEmpty();
            assertThat(reports).singleElement().asString().contains("belongs to nobody");
        }
    }

    @Test
    void anAnnouncementOfADeadProcessIsIgnored() throws Exception {
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        Path folder = dir.resolve("run");
        PrivateFolder.create(folder);
        Path file = folder.resolve(LocalRelays.FILE_NAME);
        Files.writeString(file, dead.pid() + " " + someRelay() + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertThat(LocalRelays.onThisMachine(folder, reports::add)).isEmpty();
    }

    @Test
    void aRelayAnnouncedOnTheLanIsUsedOnceItProvesItsIdentity() throws Exception {
        int port = freeGroupPort();
        Assumptions.assumeTrue(multicastLoopsBack(port), "this host does not deliver its own multicast (no multicast route)");
        try (RelayServer relay = loopbackRelay();
             AutoCloseable announcement = LocalRelays.announce(relay.address(), dir.resolve("run"), port)) {
            assertThat(LocalRelays.onTheLan(Duration.ofMillis(2500), port, LocalRelays::identityProblem, reports::add))
                    .contains(relay.address());
            assertThat(reports).isEmpty();
        }
    }

    @Test
    void aRogueAnnouncementWhosePinsDoNotMatchWhatAnswersIsNotUsed() throws Exception {
        int port = freeGroupPort();
        Assumptions.assumeTrue(multicastLoopsBack(port), "this host does not deliver its own multicast (no multicast route)");
        try (RelayServer relay = loopbackRelay()) {
            // the rogue announces the real relay's address with pins of its own: whatever answers there cannot prove them
            RelayAddress rogue = RelayAddress.of(relay.dialAddress(), someRelay().fingerprint(),
                    Identity.generate(new SecureRandom()).peerId());
            try (AutoCloseable announcement = LocalRelays.announce(rogue, dir.resolve("rogue"), port)) {
                assertThat(LocalRelays.onTheLan(Duration.ofMillis(2500), port, LocalRelays::identityProblem, reports::add))
                        .isEmpty();
            }
            assertThat(reports).singleElement().asString().contains("did not prove the identity it announced")
                    .contains(relay.dialAddress().getPort() + "");
        }
    }

    @Test
    void aSecondAnnouncementOfAnotherIdentityForTheSameAddressIsReportedAndOnlyTheProvenOneUsed() throws Exception {
        int port = freeGroupPort();
        Assumptions.assumeTrue(multicastLoopsBack(port), "this host does not deliver its own multicast (no multicast route)");
        try (RelayServer relay = loopbackRelay()) {
            RelayAddress rogue = RelayAddress.of(relay.dialAddress(), relay.fingerprint(),
                    Identity.generate(new SecureRandom()).peerId());
            try (AutoCloseable impostor = LocalRelays.announce(rogue, dir.resolve("rogue"), port);
                 AutoCloseable genuine = LocalRelays.announce(relay.address(), dir.resolve("run"), port)) {
                assertThat(LocalRelays.onTheLan(Duration.ofMillis(2500), port, LocalRelays::identityProblem, reports::add))
                        .contains(relay.address());
            }
            assertThat(reports).anySatisfy(report -> assertThat(report)
                    .contains("conflicting relay announcements for " + relay.address().authority())
                    .contains(rogue.relayPeer().fingerprint()).contains(relay.peerId().fingerprint()));
        }
    }

    private static RelayServer loopbackRelay() throws Exception {
        return RelayServer.start(RelayConfig.defaults(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
    }

    private static boolean multicastLoopsBack(int port) {
        try (MulticastSocket socket = new MulticastSocket(port)) {
            InetAddress group = InetAddress.getByName(LocalRelays.GROUP_ADDRESS);
            socket.joinGroup(new InetSocketAddress(group, 0), null);
            socket.setSoTimeout(1000);
            byte[] probe = "probe".getBytes(StandardCharsets.US_ASCII);
            socket.send(new DatagramPacket(probe, probe.length, group, port));
            socket.receive(new DatagramPacket(new byte[64], 64));
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
