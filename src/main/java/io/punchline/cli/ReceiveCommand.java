package io.punchline.cli;

import io.punchline.crypto.PeerId;
import io.punchline.engine.Engine;
import io.punchline.engine.EngineEvent;
import io.punchline.masque.RelayAddress;
import io.punchline.pairing.PairingCode;
import io.punchline.pairing.PairingException;
import io.punchline.pairing.PreparedJoin;
import io.punchline.pairing.RememberedPeers;
import io.punchline.transfer.IncomingOffer;
import io.punchline.transfer.ManifestEntry;
import io.punchline.transfer.TransferResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@code punchline receive [CODE]}: pairs by code (or waits for a remembered peer) and receives files. */
@Command(name = "receive", mixinStandardHelpOptions = true,
        description = {"Receives files. With CODE (from `punchline send`) it pairs first; without, it waits for an offer",
                "from a remembered peer (`punchline send --to NAME`). Asks before accepting unless --yes.",
                "Files arrive as NAME.part, are verified by SHA-256, then renamed; nothing is overwritten (a clash",
                "gets a numbered name) and nothing is written outside --dir. An interrupted transfer resumes when the",
                "same files are offered into the same folder again."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:every accepted file arrived and was verified",
                "1:failure at run time (network, relay, peer, disk full, permission)",
                "2:bad command line (bad code format, --dir is a file)",
                "3:pairing failed (wrong, used or expired code)",
                "4:the files were declined (at the prompt, or no terminal to ask and no --yes)",
                "5:the transfer was cancelled"})
final class ReceiveCommand implements Callable<Integer> {

    /** How long a finished receive waits for the sender to close the session before it closes it itself. */
    private static final Duration SENDER_CLOSE_WAIT = Duration.ofSeconds(2);

    @Mixin
    EngineOptions options = new EngineOptions();

    @Parameters(arity = "0..1", paramLabel = "CODE", description = "The pairing code `punchline send` printed.")
    String code;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = ".", description = "Where the files go, created if missing (default: the current folder).")
    Path dir;

    @Option(names = {"-y", "--yes"}, description = "Accept the offer without asking.")
    boolean yes;

    @Option(names = "--keep", description = "Keep receiving after the first transfer (until Ctrl-C).")
    boolean keep;

    @Option(names = "--resume-wait", paramLabel = "SECONDS", defaultValue = "180",
            description = "After a lost connection, how long to wait for the sender to come back and resume (default: ${DEFAULT-VALUE}).")
    int resumeWaitSeconds;

    @Override
    public Integer call() throws Exception {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            System.err.println("punchline receive: --dir " + dir + " is not a folder");
            return ExitCodes.USAGE;
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            System.err.println("punchline receive: cannot create the folder " + dir + ": " + e.getMessage());
            return ExitCodes.FAILURE;
        }
        EventPrinter printer = new EventPrinter(options.json, System.out, System.err);
        PairingCode parsed = null;
        if (code != null) {
            try {
                parsed = PairingCode.parse(code);
            } catch (IllegalArgumentException e) {
                if (options.json) { // the event the engine would publish; the code is refused before any connection
                    printer.result("pairing.failed", "", "reason", "malformed", "message", e.getMessage());
                }
                System.err.println("punchline receive: pairing failed: " + e.getMessage());
                return e.getMessage().contains("pairing word") ? ExitCodes.USAGE : ExitCodes.PAIRING_FAILED;
            }
        }
        RelayAddress relay = options.relayAddress(null);
        // the code's keys depend only on the code and the relay's pinned PeerId: derive them while the engine starts
        PreparedJoin prepared = parsed == null ? null : PreparedJoin.start(parsed, relay.relayPeer());
        try (Engine engine = options.start()) {
            engine.events().subscribe(printer);
            engine.acceptOnlyRememberedPeers();
            Runtime.getRuntime().addShutdownHook(new Thread(engine::close, "receive-shutdown"));
            BlockingQueue<Object> offers = new LinkedBlockingQueue<>();
            engine.onOffer(offers::add);
            engine.events().subscribe(timed -> {
                if (timed.event() instanceof EngineEvent.TransferRefused refused) {
                    offers.add(refused);
                }
            });
            PeerId from = null;
            if (code != null) {
                try {
                    RememberedPeers.Peer peer = engine.join(prepared).get();
                    from = peer.peerId();
                    printer.result("receive.waiting", "Paired with " + peer.name() + "; waiting for their files.",
                        "peers", List.of(peer.name()));
                } catch (ExecutionException e) {
                    System.err.println("punchline receive: pairing failed: " + e.getCause().getMessage());
                    return e.getCause() instanceof PairingException pairing
                            && pairing.reason() == PairingException.Reason.MALFORMED && e.getCause().getMessage().contains("pairing word")
                            ? ExitCodes.USAGE : ExitCodes.PAIRING_FAILED;
                }
            } else {
                List<RememberedPeers.Peer> peers = engine.rememberedPeers();
                if (peers.isEmpty()) {
                    System.err.println("punchline receive: no remembered peers yet; pair first with `punchline receive CODE`");
                    return ExitCodes.USAGE;
                }
                List<String> names = peers.stream().map(RememberedPeers.Peer::name).toList();
                printer.result("receive.waiting", "Waiting for files from " + String.join(", ", names) + " (Ctrl-C to stop).",
                        "peers", names);
            }
            return receive(engine, printer, offers, from);
        } finally {
            if (prepared != null) {
                prepared.cancel();
            }
            options.close();
        }
    }

    /**
     * Waits for the sender to close the session: it does once it has read our confirmation, and closing first could
     * discard the confirmation still in flight. A sender that never closes is given {@link #SENDER_CLOSE_WAIT}.
     */
    private static void awaitSenderClose(IncomingOffer offer) throws InterruptedException {
        try {
            offer.sessionClosed().get(SENDER_CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // a silent sender: the confirmation had its time, we close
        }
    }

    private int receive(Engine engine, EventPrinter printer, BlockingQueue<Object> offers, PeerId from) throws Exception {
        List<ManifestEntry> accepted = null;
        while (true) {
            Object next = accepted == null ? offers.take() : offers.poll(resumeWaitSeconds, TimeUnit.SECONDS);
            if (next instanceof EngineEvent.TransferRefused refused) {
                System.err.println("punchline receive: " + refused.message() + "; nothing was written");
                if (keep) {
                    continue;
                }
                return ExitCodes.FAILURE;
            }
            IncomingOffer offer = (IncomingOffer) next;
            if (offer == null) {
                System.err.println("punchline receive: the sender did not come back within " + resumeWaitSeconds + " s; "
                        + "what arrived is kept and resumes when the same files are offered into the same folder");
                return ExitCodes.FAILURE;
            }
            if (from != null && !offer.peer().equals(from)) {
                offer.decline();
                continue;
            }
            String name = engine.rememberedPeers().stream().filter(p -> p.peerId().equals(offer.peer()))
                    .map(RememberedPeers.Peer::name).findFirst().orElse(offer.peer().shortFingerprint());
            boolean resumed = accepted != null && accepted.equals(offer.manifest().entries());
            if (!resumed && !yes && !ask(name, offer)) {
                offer.decline();
                System.err.println("punchline receive: declined");
                return ExitCodes.DECLINED;
            }
            offer.accept(dir);
            accepted = offer.manifest().entries();
            TransferResult result = offer.result().get();
            switch (result.outcome()) {
                case COMPLETED -> {
                    printer.result("receive.done", "received " + offer.manifest().fileCount() + " files ("
                                    + Sizes.human(offer.manifest().totalBytes()) + ") from " + name + " into " + dir + ", verified",
                            "files", offer.manifest().fileCount(), "bytes", offer.manifest().totalBytes(),
                            "receivedBytes", result.bytes(), "peer", name, "dir", dir.toAbsolutePath().toString());
                    if (!keep) {
                        awaitSenderClose(offer);
                        return ExitCodes.OK;
                    }
                    accepted = null;
                }
                case DECLINED -> {
                    return ExitCodes.DECLINED;
                }
                case CANCELLED_BY_PEER, CANCELLED_BY_SELF -> {
                    System.err.println("punchline receive: " + result.message());
                    return ExitCodes.CANCELLED;
                }
                default -> {
                    if (!result.connectionLost()) {
                        System.err.println("punchline receive: " + result.message());
                        if (keep) {
                            accepted = null;
                            continue;
                        }
                        return ExitCodes.FAILURE;
                    }
                    System.err.println("punchline receive: " + result.message() + "; waiting for " + name
                            + " to reconnect and resume");
                }
            }
        }
    }

    private boolean ask(String name, IncomingOffer offer) throws Exception {
        List<ManifestEntry> entries = offer.manifest().entries();
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%s offers %d files (%s):%n", name,
                offer.manifest().fileCount(), Sizes.human(offer.manifest().totalBytes())));
        entries.stream().limit(10).forEach(e -> text.append("  ").append(e.path()).append(e.isFile() ? "" : "/")
                .append(e.isFile() ? "  " + Sizes.human(e.size()) : "").append(System.lineSeparator()));
        if (entries.size() > 10) {
            text.append("  ... and ").append(entries.size() - 10).append(" more").append(System.lineSeparator());
        }
        Map<String, Long> resumable = offer.resumable(dir);
        if (!resumable.isEmpty()) {
            text.append(String.format(Locale.ROOT, "  (%d files resume from what %s already holds)%n", resumable.size(), dir));
        }
        System.err.print(text);
        if (System.console() == null) {
            System.err.println("punchline receive: no terminal to ask; run with --yes to accept without asking");
            return false;
        }
        System.err.print("Accept into " + dir.toAbsolutePath() + "? [y/N] ");
        System.err.flush();
        String answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        return answer != null && answer.trim().toLowerCase(Locale.ROOT).startsWith("y");
    }

}
