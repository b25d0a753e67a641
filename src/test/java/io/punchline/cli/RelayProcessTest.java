package io.punchline.cli;

import io.punchline.crypto.Identity;
import io.punchline.masque.BindClient;
import io.punchline.masque.BindException;
import io.punchline.masque.RelayAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code punchline relay} as a real process: it prints its contact, keeps its identity, and serves bind clients. */
@Timeout(90)
class RelayProcessTest {

    @TempDir
    Path data;

    private static Process startRelay(Path dataDir, String... extra) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "io.punchline.cli.Launcher", "relay", "--listen", "127.0.0.1:0", "--data-dir", dataDir.toString()));
        command.addAll(Arrays.asList(extra));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static String contactLine(Process relay) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(relay.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertThat(line).as("the relay prints HOST:PORT#TLS_FINGERPRINT#RELAY_PEER_ID").isNotNull();
        return line;
    }

    @Test
    void theRelayProcessPrintsItsPinnableContactAndServesBindClients() throws Exception {
        Process relay = startRelay(data, "--allow-loopback-targets");
        try {
            String contact = contactLine(relay);
            assertThat(contact).matches("127\\.0\\.0\\.1:\\d+#[A-Za-z0-9_-]{43}#[a-z2-7]{4}(-[a-z2-7]{4}){12}");
            RelayAddress address = RelayAddress.parse(contact);
            BlockingQueue<byte[]> inbox = new LinkedBlockingQueue<>();
            try (BindClient a = BindClient.connect(address, Identity.generate(new SecureRandom()), null,
                    (s, d, o, l) -> { }, Duration.ofSeconds(10));
                 BindClient b = BindClient.connect(address, Identity.generate(new SecureRandom()), null,
                         (s, d, o, l) -> inbox.add(Arrays.copyOfRange(d, o, o + l)), Duration.ofSeconds(10))) {
                byte[] hello = "through a relay process".getBytes();
                a.send(b.publicAddresses().get(0), hello, 0, hello.length);
                assertThat(inbox.poll(10, TimeUnit.SECONDS)).isEqualTo(hello);
            }
        } finally {
            relay.destroy();
            relay.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theRelayKeepsItsIdentityInItsDataFolderReadableByItsOwnerOnly() throws Exception {
        Process first = startRelay(data);
        String firstContact;
        try {
            firstContact = contactLine(first);
        } finally {
            first.destroy();
            first.waitFor(10, TimeUnit.SECONDS);
        }
        Process second = startRelay(data);
        try {
            String secondContact = contactLine(second);
            assertThat(secondContact.substring(secondContact.indexOf('#')))
                    .isEqualTo(firstContact.substring(firstContact.indexOf('#')));
        } finally {
            second.destroy();
            second.waitFor(10, TimeUnit.SECONDS);
        }
        File[] files = data.toFile().listFiles();
        assertThat(files).isNotEmpty();
        for (File file : files) {
            if (Files.getFileStore(file.toPath()).supportsFileAttributeView("posix")) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.toPath())))
                        .as(file.getName()).isEqualTo("rw-------");
            }
        }
    }

    @Test
    void badOptionsExitWithTheUsageCode() throws Exception {
        Process relay = startRelay(data, "--idle-timeout", "5");
        assertThat(relay.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(relay.exitValue()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void aRelayWithAnAllowListFileBindsListedPeersOnly() throws Exception {
        Identity listed = Identity.generate(new SecureRandom());
        Path allowList = data.resolve("allowed-peers.txt");
        Files.writeString(allowList, "# peers that may bind\n\n" + listed.peerId().fingerprint() + "\n");
        Process relay = startRelay(data.resolve("relay"), "--allow-list", allowList.toString());
        try {
            RelayAddress address = RelayAddress.parse(contactLine(relay));
            try (BindClient bind = BindClient.connect(address, listed, null, (s, d, o, l) -> { }, Duration.ofSeconds(10))) {
                assertThat(bind.publicAddresses()).isNotEmpty();
            }
            assertThatThrownBy(() -> BindClient.connect(address, Identity.generate(new SecureRandom()), null,
                    (s, d, o, l) -> { }, Duration.ofSeconds(10)))
                    .isInstanceOf(BindException.class)
                    .hasMessageContaining("allow list");
        } finally {
            relay.destroy();
            relay.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void anAllowListTogetherWithAnonymousClientsIsAUsageError() throws Exception {
        String peer = Identity.generate(new SecureRandom()).peerId().fingerprint();
        Process relay = startRelay(data, "--allow-anonymous", "--allow-peer", peer);
        assertThat(relay.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(relay.exitValue()).isEqualTo(ExitCodes.USAGE);
    }
}
