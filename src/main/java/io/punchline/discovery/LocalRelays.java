package io.punchline.discovery;

import io.punchline.config.DataFolders;
import io.punchline.config.OwnerOnly;
import io.punchline.crypto.Identity;
import io.punchline.masque.BindException;
import io.punchline.masque.RelayAddress;
import io.punchline.masque.RelayRequests;
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
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * How a second Punchline finds a relay another one embeds, so that two copies on one machine or one LAN meet at the
 * same relay (and the same pairing mailbox) without any configuration (docs/SECURITY.md section 6.5).
 *
 * <ul>
 *   <li>On one machine: the embedding process writes its relay contact and its process ID to {@value #FILE_NAME} in
 *   this user's private runtime folder ({@link #announcementFolder()}: {@code $XDG_RUNTIME_DIR/punchline}, else
 *   {@code run/} in the configuration folder), mode 0700 and owned by this user; a finder uses it while that process
 *   is alive, and refuses, saying why, a folder or file another user owns or can write to.</li>
 *   <li>On a LAN: the embedding process multicasts {@code PUNCHLINE-RELAY/1 CONTACT} to {@value #GROUP_ADDRESS} port
 *   {@value #GROUP_PORT} (TTL 1) every {@value #ANNOUNCE_SECONDS} seconds: its contact, which pins its certificate
 *   and relay PeerId, and nothing else. A finder listens for a while, uses a relay only after it proved the identity it
 *   announced (a TLS connection with the announced certificate pin and relay authentication against the announced
 *   relay PeerId, under a throwaway client identity), and reports two announcements of different identities for the
 *   same address instead of following either blindly.</li>
 * </ul>
 * A relay found this way is no more trusted than any other: peer sessions and pairing cards are end-to-end protected,
 * so a rogue relay can at most deny service.
 */
public final class LocalRelays {

    public static final String GROUP_ADDRESS = "239.255.80.76";
    public static final int GROUP_PORT = 44_799;
    static final int ANNOUNCE_SECONDS = 2;
    static final String FILE_NAME = "relay-announcement.txt";
    private static final String PREFIX = "PUNCHLINE-RELAY/1 ";
    private static final Duration PROOF_TIMEOUT = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(LocalRelays.class);

    /** One announcement heard on the LAN: the contact and the address it came from. */
    public record Heard(RelayAddress relay, InetSocketAddress from) {
    }

    private LocalRelays() {
    }

    /** This user's runtime folder for announcements: {@code $XDG_RUNTIME_DIR/punchline}, else the configuration's. */
    public static Path announcementFolder() {
        return announcementFolder(System.getenv("XDG_RUNTIME_DIR"), DataFolders.config());
    }

    static Path announcementFolder(String xdgRuntimeDir, Path config) {
        return xdgRuntimeDir != null && !xdgRuntimeDir.isBlank() && Path.of(xdgRuntimeDir).isAbsolute()
                ? Path.of(xdgRuntimeDir, "punchline") : config.resolve("run");
    }

    /** Announces {@code relay} on this machine and the LAN until the returned handle is closed. */
    public static AutoCloseable announce(RelayAddress relay) {
        return announce(relay, announcementFolder(), GROUP_PORT);
    }

    static AutoCloseable announce(RelayAddress relay, Path folder, int groupPort) {
        Path file = folder.resolve(FILE_NAME);
        try {
            PrivateFolder.create(folder);
            String problem = PrivateFolder.problem(folder);
            if (problem != null) {
                throw new IOException("not a private folder: " + problem);
            }
            Path temp = Files.createTempFile(folder, "relay-announcement", ".tmp");
            OwnerOnly.restrict(temp);
            Files.writeString(temp, ProcessHandle.current().pid() + " " + relay + "\n");
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("the relay is not announced on this machine: cannot write {}: {}", file, e.getMessage());
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
                socket[0].send(new DatagramPacket(message, message.length, InetAddress.getByName(GROUP_ADDRESS), groupPort));
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

    /**
     * The relay another live Punchline process of this user embeds on this machine, from this user's private runtime
     * folder; a folder or file that is not this user's alone is refused and {@code report} is told why.
     */
    public static Optional<RelayAddress> onThisMachine(Consumer<String> report) {
        return onThisMachine(announcementFolder(), report);
    }

    static Optional<RelayAddress> onThisMachine(Path folder, Consumer<String> report) {
        Path file = folder.resolve(FILE_NAME);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        String problem = PrivateFolder.problem(folder);
        if (problem == null) {
            problem = PrivateFolder.fileProblem(file);
        }
        if (problem != null) {
            warn(report, "not using the relay announced in " + file + ": " + problem);
            return Optional.empty();
        }
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

    /** Every distinct announcement heard on {@code groupPort} within {@code wait}, in the order heard. */
    static List<Heard> listen(Duration wait, int groupPort) {
        long deadline = System.nanoTime() + wait.toNanos();
        Set<Heard> heard = new LinkedHashSet<>();
        try (MulticastSocket socket = new MulticastSocket(groupPort)) {
            socket.joinGroup(new InetSocketAddress(InetAddress.getByName(GROUP_ADDRESS), 0), null);
            byte[] buffer = new byte[1024];
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return List.copyOf(heard);
                }
                socket.setSoTimeout((int) left);
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(packet);
                } catch (SocketTimeoutException e) {
                    return List.copyOf(heard);
                }
                String text = new String(buffer, 0, packet.getLength(), StandardCharsets.US_ASCII);
                if (text.startsWith(PREFIX)) {
                    try {
                        heard.add(new Heard(RelayAddress.parse(text.substring(PREFIX.length()).trim()),
                                (InetSocketAddress) packet.getSocketAddress()));
                    } catch (IllegalArgumentException e) {
                        LOG.debug("ignored a malformed relay announcement from {}", packet.getSocketAddress());
                    }
                }
            }
        } catch (IOException e) {
            LOG.debug("cannot listen for relay announcements: {}", e.toString());
            return List.copyOf(heard);
        }
    }

    /**
     * A relay announced on the LAN within {@code wait} that proved the identity it announced; announcements that
     * disagree about one address, and relays that fail their proof, are told to {@code report}.
     */
    public static Optional<RelayAddress> onTheLan(Duration wait, Consumer<String> report) {
        return onTheLan(wait, GROUP_PORT, LocalRelays::identityProblem, report);
    }

    /** @param check why a relay does not prove the identity it announced, or null when it does */
    static Optional<RelayAddress> onTheLan(Duration wait, int groupPort, Function<RelayAddress, String> check,
                                           Consumer<String> report) {
        List<Heard> heard = listen(wait, groupPort);
        reportConflicts(heard, report);
        Set<RelayAddress> tried = new LinkedHashSet<>();
        for (Heard announcement : heard) {
            if (!tried.add(announcement.relay())) {
                continue;
            }
            String problem = check.apply(announcement.relay());
            if (problem == null) {
                return Optional.of(announcement.relay());
            }
            warn(report, "ignoring the relay announced at " + announcement.relay().authority() + " by "
                    + announcement.from().getAddress().getHostAddress() + ": it did not prove the identity it announced ("
                    + problem + ")");
        }
        return Optional.empty();
    }

    /** Tells {@code report} of every address announced with more than one identity (certificate pin or PeerId). */
    static void reportConflicts(List<Heard> heard, Consumer<String> report) {
        Map<String, List<Heard>> byAddress = new LinkedHashMap<>();
        for (Heard announcement : heard) {
            List<Heard> same = byAddress.computeIfAbsent(announcement.relay().authority(), a -> new ArrayList<>());
            if (same.stream().noneMatch(h -> h.relay().equals(announcement.relay()))) {
                same.add(announcement);
            }
        }
        byAddress.forEach((address, identities) -> {
            if (identities.size() > 1) {
                StringBuilder text = new StringBuilder("conflicting relay announcements for " + address + ": ");
                for (int i = 0; i < identities.size(); i++) {
                    Heard h = identities.get(i);
                    text.append(i == 0 ? "" : " and ").append(h.relay()).append(" (from ")
                            .append(h.from().getAddress().getHostAddress()).append(')');
                }
                warn(report, text.append("; someone on this network announces a relay that is not theirs, only one "
                        + "that proves its identity is used").toString());
            }
        });
    }

    /**
     * Why {@code relay} does not prove the identity its contact pins, or null when it does: connects with its TLS pin
     * and runs relay authentication against its relay PeerId, as a throwaway client identity (which tells it nothing).
     */
    public static String identityProblem(RelayAddress relay) {
        if (relay.relayPeer() == null) {
            return "the announcement names no relay PeerId";
        }
        try (RelayRequests.Standalone ignored = RelayRequests.open(relay, Identity.generate(new SecureRandom()),
                PROOF_TIMEOUT)) {
            return null;
        } catch (BindException | RuntimeException e) {
            return e.getMessage();
        }
    }

    /** A relay on this machine, else one on the LAN that proved its identity (waiting up to {@code wait}). */
    public static Optional<RelayAddress> find(Duration wait, Consumer<String> report) {
        Optional<RelayAddress> local = onThisMachine(report);
        return local.isPresent() ? local : onTheLan(wait, report);
    }

    private static void warn(Consumer<String> report, String message) {
        LOG.warn(message);
        report.accept(message);
    }
}
