package io.punchline.cli;

import io.punchline.engine.Engine;
import io.punchline.engine.PairingInvite;
import io.punchline.pairing.PairingException;
import io.punchline.pairing.RememberedPeers;
import io.punchline.session.PeerContact;
import io.punchline.session.PeerSession;
import io.punchline.transfer.OutgoingTransfer;
import io.punchline.transfer.PreparedFiles;
import io.punchline.transfer.TransferResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;

/** {@code punchline send PATH...}: pairs by code (or picks a remembered peer) and sends files and folders. */
@Command(name = "send", mixinStandardHelpOptions = true,
        description = {"Sends files and folders. Without --to it prints a pairing code and waits for the other side",
                "to enter it with `punchline receive CODE`; with --to it sends to a remembered peer, no code needed.",
                "A transfer interrupted by a lost connection is resumed (reconnecting for up to --retry-for seconds)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:the receiver has every file, verified",
                "1:failure at run time (network, relay, peer or file error)",
                "2:bad command line (no such file, unknown peer name)",
                "3:pairing failed (wrong, used or expired code)",
                "4:the receiver declined the files",
                "5:the transfer was cancelled"})
final class SendCommand implements Callable<Integer> {

    @Mixin
    EngineOptions options = new EngineOptions();

    @Option(names = "--to", paramLabel = "NAME", description = "A remembered peer (see `punchline peers`) to send to without a code.")
    String to;

    @Option(names = "--retry-for", paramLabel = "SECONDS", defaultValue = "120",
            description = "How long to keep reconnecting when the connection is lost mid-transfer (default: ${DEFAULT-VALUE}; 0: never).")
    int retryForSeconds;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files and folders to send (folders keep their tree).")
    List<Path> paths;

    @Override
    public Integer call() throws Exception {
        for (Path path : paths) {
            if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                System.err.println("punchline send: no such file or folder: " + path);
                return ExitCodes.USAGE;
            }
        }
        EventPrinter printer = new EventPrinter(options.json, System.out, System.err);
        try (Engine engine = options.start()) {
            engine.events().subscribe(printer);
            engine.acceptOnlyRememberedPeers();
            Runtime.getRuntime().addShutdownHook(new Thread(engine::close, "send-shutdown"));
            RememberedPeers.Peer peer;
            PeerSession session;
            PreparedFiles files;
            if (to != null) {
                peer = engine.rememberedPeer(to).orElse(null);
                if (peer == null) {
                    System.err.println("punchline send: no remembered peer named '" + to + "'; `punchline peers` lists them");
                    return ExitCodes.USAGE;
                }
                files = engine.prepareFiles(paths);
                session = engine.connect(peer);
            } else {
                PairingInvite invite = engine.invite();
                if (!options.json) {
                    System.out.println("Code: " + invite.code());
                    System.out.println("On the other computer run:  punchline receive " + invite.code());
                    System.out.flush();
                }
                // hashed while the other side types the code: the offer leaves as soon as the session opens
                files = engine.prepareFiles(paths);
                try {
                    peer = invite.paired().get();
                } catch (ExecutionException e) {
                    System.err.println("punchline send: pairing failed: " + e.getCause().getMessage());
                    return e.getCause() instanceof PairingException ? ExitCodes.PAIRING_FAILED : ExitCodes.FAILURE;
                }
                session = engine.dial(PeerContact.parse(peer.lastContact()));
            }
            return send(engine, printer, peer, session, files);
        } finally {
            options.close();
        }
    }

    private int send(Engine engine, EventPrinter printer, RememberedPeers.Peer peer, PeerSession session,
                     PreparedFiles files) throws Exception {
        long retryUntil = System.nanoTime() + retryForSeconds * 1_000_000_000L;
        while (true) {
            OutgoingTransfer transfer = engine.sendFiles(session, files);
            TransferResult result = transfer.result().get();
            switch (result.outcome()) {
                case COMPLETED -> {
                    printer.result("send.done", "sent " + transfer.manifest().fileCount() + " files ("
                                    + Sizes.human(transfer.manifest().totalBytes()) + ") to " + peer.name() + ", verified",
                            "files", transfer.manifest().fileCount(), "bytes", transfer.manifest().totalBytes(),
                            "sentBytes", result.bytes(), "peer", peer.name(), "relayedBytes", engine.relayedBytes(),
                            "directBytes", engine.directBytes());
                    session.close();
                    return ExitCodes.OK;
                }
                case DECLINED -> {
                    System.err.println("punchline send: " + peer.name() + " declined the files");
                    return ExitCodes.DECLINED;
                }
                case CANCELLED_BY_PEER, CANCELLED_BY_SELF -> {
                    System.err.println("punchline send: " + result.message());
                    return ExitCodes.CANCELLED;
                }
                default -> {
                    if (!result.connectionLost() || System.nanoTime() > retryUntil) {
                        System.err.println("punchline send: " + result.message());
                        return ExitCodes.FAILURE;
                    }
                    System.err.println("punchline send: " + result.message() + "; reconnecting to resume");
                    session = reconnect(engine, peer, retryUntil);
                    if (session == null) {
                        System.err.println("punchline send: could not reach " + peer.name() + " again within "
                                + retryForSeconds + " s");
                        return ExitCodes.FAILURE;
                    }
                }
            }
        }
    }

    /** The peer again, through the relay, trying every 2 s until {@code untilNanos}; null if it did not come back. */
    private static PeerSession reconnect(Engine engine, RememberedPeers.Peer peer, long untilNanos) throws InterruptedException {
        while (System.nanoTime() < untilNanos) {
            Thread.sleep(2000);
            try {
                return engine.connect(peer);
            } catch (IOException e) {
                System.err.println("punchline send: " + e.getMessage());
            }
        }
        return null;
    }
}
