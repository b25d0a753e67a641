package io.punchline.cli;

import io.punchline.crypto.Identity;
import io.punchline.engine.Engine;
import io.punchline.engine.EngineConfig;
import io.punchline.relay.RelayConfig;
import io.punchline.relay.RelayServer;
import io.punchline.session.PeerSession;
import io.punchline.session.SecureStream;
import io.punchline.transfer.ControlCodec;
import io.punchline.transfer.ControlMessage.Abort;
import io.punchline.transfer.ControlMessage.Offer;
import io.punchline.transfer.IncomingOffer;
import io.punchline.transfer.Manifest;
import io.punchline.transfer.ManifestEntry;
import io.punchline.transfer.StreamKind;
import io.punchline.transfer.TransferId;
import io.punchline.transfer.TransferResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A paired peer's own text (here the reason in its ABORT) passes through the real engines and the CLI's event printer
 * without its escape sequences, bidi overrides or control characters: a peer cannot clear the terminal, retitle it or
 * make a message read backwards.
 */
@Timeout(120)
class PeerTextOutputTest {

    private static final String HOSTILE = "disk \u001b[2J\u001b]0;pwned\u0007full\u009b31m \u202Etxt.exe\r\n"
            + "\u2028forged line";

    @Test
    void aPeersAbortReasonReachesTheTerminalAndJsonWithoutControlOrBidiCharacters() throws Exception {
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        try (RelayServer relay = RelayServer.start(RelayConfig.defaults(loopback));
             Engine sender = Engine.start(EngineConfig.of(Identity.generate(new SecureRandom()), relay.address())
                     .withListen(loopback).withTraversal(false));
             Engine receiver = Engine.start(EngineConfig.of(Identity.generate(new SecureRandom()), relay.address())
                     .withListen(loopback).withTraversal(false))) {
            ByteArrayOutputStream human = new ByteArrayOutputStream();
            ByteArrayOutputStream json = new ByteArrayOutputStream();
            receiver.events().subscribe(new EventPrinter(false, new PrintStream(OutputStream.nullOutputStream()),
                    new PrintStream(human, true, StandardCharsets.UTF_8)));
            receiver.events().subscribe(new EventPrinter(true, new PrintStream(json, true, StandardCharsets.UTF_8),
                    new PrintStream(OutputStream.nullOutputStream())));
            CompletableFuture<IncomingOffer> offered = new CompletableFuture<>();
            receiver.onOffer(offered::complete);

            PeerSession session = sender.dial(receiver.contact());
            SecureStream control = session.openStream();
            ManifestEntry file = ManifestEntry.file("notes.txt", 5, 0644, new byte[32]);
            control.output().write(StreamKind.OFFER);
            ControlCodec.write(new Offer(TransferId.random(), new Manifest(List.of(file))), control.output());
            IncomingOffer offer = offered.get(30, TimeUnit.SECONDS);
            ControlCodec.write(new Abort(Abort.Reason.FAILED, HOSTILE), control.output());

            TransferResult result = offer.result().get(30, TimeUnit.SECONDS);
            assertThat(result.message()).isEqualTo("the peer ended the transfer: disk [2J]0;pwnedfull31m txt.exeforged line");
            String printed = awaitLine(human, "transfer.failed");
            String line = awaitLine(json, "transfer.failed");
            for (String out : List.of(printed, line, result.message())) {
                assertThat(out).contains("pwned").doesNotContain("\u001b", "\u0007", "\u009b", "\u202E", "\r", "\u2028")
                        .doesNotContainPattern("\\p{Cntrl}");
            }
        }
    }

    private static String awaitLine(ByteArrayOutputStream out, String event) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
                if (line.contains(event)) {
                    return line;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no " + event + " in: " + out.toString(StandardCharsets.UTF_8));
    }
}
