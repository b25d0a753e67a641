package io.punchline.discovery;

import io.punchline.masque.RelayAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * How a second Punchline finds a relay another one embeds, so that two copies on one machine or one LAN meet at the
 * same relay (and the same pairing mailbox) without any configuration.
 *
 * <ul>
 *   <li>On one machine: the embedding process writes its relay contact and its process ID to
 *   {@code punchline-relay-USER.txt} in the temporary folder; a finder uses it while that process is alive.</li>
 *   <li>On a LAN: the embedding process multicasts {@code PUNCHLINE-RELAY/1 CONTACT} to {@value #GROUP_ADDRESS} port
 *   {@value #GROUP_PORT} every {@value #ANNOUNCE_SECONDS} seconds; a finder listens for one announcement.</li>
 * </ul>
 * A relay found this way is no more trusted than any other: the contact pins its certificate and identity, and
 * everything between peers is end-to-end protected.
 */
public final class LocalRelays {

    public static final String GROUP_ADDRESS = "239.255.80.76";
    public static final int GROUP_PORT = 44_799;
    static final int ANNOUNCE_SECONDS = 2;
    private static final String PREFIX = "PUNCHLINE-RELAY/1 ";
    private static final Logger LOG = LoggerFactory.getLogger(LocalRelays.class);

    private LocalRelays() {
    }

    /** The file announcing this user's embedded relay on this machine. */
    static Path announcementFile() {
        String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_");
        return Path.of(System.getProperty("java.io.tmpdir"), "punchline-relay-" + user + ".txt");
    }

    /** Announces {@code relay} until the returned handle is closed. */
    public static AutoCloseable announce(RelayAddress relay) {
        Path file = announcementFile();
        try {
            Path temp = Files.createTempFile(file.getParent(), "punchline-relay", ".tmp");
            Files.writeString(temp, ProcessHandle.current().pid() + " " + relay + "\n");
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.debug("cannot write {}: {}", file, e.toString());
        }
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "relay-announce");
            thread.setDaemon(true);
            return thread;
        });
        MulticastSocket[] socket = new MulticastSocket[1];
        byte[] message = (PREFIX + relay).getBytes(StandardCharsets.US_ASCII);
        timer.scheduleAtFixedRate(() -> {
            try {
                if (socket[0] == null) {
                    socket[0] = new MulticastSocket();
                    socket[0].setTimeToLive(1);
                }
                socket[0].send(new DatagramPacket(message, message.length, InetAddress.getByName(GROUP_ADDRESS), GROUP_PORT));
            } catch (IOException e) {
                LOG.debug("relay announcement not sent: {}", e.toString());
            }
        }, 0, ANNOUNCE_SECONDS, TimeUnit.SECONDS);
        return () -> {
            timer.shutdownNow();
            if (socket[0] != null) {
                socket[0].close();
            }
            try {
                List<String> lines = Files.readAllLines(file);
                if (!lines.isEmpty() && lines.get(0).startsWith(ProcessHandle.current().pid() + " ")) {
                    Files.deleteIfExists(file);
                }
            } catch (IOException ignored) {
                // already gone
            }
        };
    }

    /** A relay another live Punchline process of this user embeds on this machine. */
    public static Optional<RelayAddress> onThisMachine() {
        Path file = announcementFile();
        try {
            String[] parts = Files.readString(file).trim().split(" ", 2);
            if (parts.length == 2 && ProcessHandle.of(Long.parseLong(parts[0])).map(ProcessHandle::isAlive).orElse(false)) {
                return Optional.of(RelayAddress.parse(parts[1]));
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("no relay announced in {}: {}", file, e.toString());
        }
        return Optional.empty();
    }

    /** The first relay announced on the LAN within {@code wait}. */
    public static Optional<RelayAddress> onTheLan(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        try (MulticastSocket socket = new MulticastSocket(GROUP_PORT)) {
            socket.joinGroup(new InetSocketAddress(InetAddress.getByName(GROUP_ADDRESS), 0), null);
            byte[] buffer = new byte[1024];
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return Optional.empty();
                }
                socket.setSoTimeout((int) left);
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(packet);
                } catch (SocketTimeoutException e) {
                    return Optional.empty();
                }
                String text = new String(buffer, 0, packet.getLength(), StandardCharsets.US_ASCII);
                if (text.startsWith(PREFIX)) {
                    try {
                        return Optional.of(RelayAddress.parse(text.substring(PREFIX.length()).trim()));
                    } catch (IllegalArgumentException e) {
                        LOG.debug("ignored a malformed relay announcement from {}", packet.getSocketAddress());
                    }
                }
            }
        } catch (IOException e) {
            LOG.debug("cannot listen for relay announcements: {}", e.toString());
            return Optional.empty();
        }
    }

    /** A relay on this machine, else one on the LAN (waiting up to {@code wait}). */
    public static Optional<RelayAddress> find(Duration wait) {
        Optional<RelayAddress> local = onThisMachine();
        return local.isPresent() ? local : onTheLan(wait);
    }
}
