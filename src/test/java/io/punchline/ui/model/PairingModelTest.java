package io.punchline.ui.model;

import io.punchline.crypto.Identity;
import io.punchline.engine.Engine;
import io.punchline.engine.EngineConfig;
import io.punchline.engine.PairingInvite;
import io.punchline.pairing.PairingException;
import io.punchline.pairing.RememberedPeers;
import io.punchline.relay.RelayConfig;
import io.punchline.relay.RelayServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pairing dialog's model without a display: a real relay on loopback and real engines pair through it both ways.
 * The test thread plays the FX thread: whatever the model hands to it waits in {@link #fx} until the test runs it.
 */
@Timeout(120)
class PairingModelTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @TempDir
    Path folder;

    private final BlockingQueue<Runnable> fx = new LinkedBlockingQueue<>();
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private final List<PairingInvite> cancelled = new ArrayList<>();
    private RelayServer relay;
    private Engine desk;

    @BeforeEach
    void start() throws Exception {
        relay = RelayServer.start(RelayConfig.defaults(new InetSocketAddress(LOOPBACK, 0)).withLoopbackTargets(true));
        cleanup.add(relay);
        desk = engine("desk");
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
    }

    private Engine engine(String name) throws Exception {
        Engine engine = Engine.start(EngineConfig.of(Identity.generate(new SecureRandom()), relay.address())
                .withListen(new InetSocketAddress(LOOPBACK, 0)).withTraversal(false).withHome(folder.resolve(name))
                .withDeviceName(name));
        cleanup.add(engine);
        return engine;
    }

    /** The controller's part, on a real engine: futures complete on the "FX thread" (the test's queue). */
    private PairingModel.Pairing on(Engine engine) {
        return new PairingModel.Pairing() {
            @Override
            public CompletableFuture<PairingInvite> invite() {
                try {
                    return CompletableFuture.completedFuture(engine.invite());
                } catch (Exception e) {
                    return CompletableFuture.failedFuture(e);
                }
            }

            @Override
            public CompletableFuture<RememberedPeers.Peer> join(String code) {
                CompletableFuture<RememberedPeers.Peer> done = new CompletableFuture<>();
                engine.join(code).whenComplete((peer, error) -> fx.add(() -> {
                    if (error != null) {
                        done.completeExceptionally(error);
                    } else {
                        done.complete(peer);
                    }
                }));
                return done;
            }

            @Override
            public void cancel(PairingInvite invite) {
                cancelled.add(invite);
                invite.cancel();
            }
        };
    }

    /** Runs what the model handed to the FX thread until {@code done} holds. */
    private void runFxUntil(BooleanSupplier done) throws InterruptedException {
        while (!done.getAsBoolean()) {
            Runnable next = fx.poll(60, TimeUnit.SECONDS);
            assertThat(next).as("a task for the FX thread").isNotNull();
            next.run();
        }
    }

    @Test
    void aCodeIsShownWithItsCountdownAndTheDialogSaysWhenTheOtherSidePaired() throws Exception {
        PairingModel model = new PairingModel(on(desk), fx::add, clock::get);
        model.createCode();
        assertThat(model.codeProperty().get()).matches("\\d+(-[a-z]+){4}");
        assertThat(model.countdownProperty().get()).matches("Expires in \\d+:\\d\\d");
        assertThat(model.countingProperty().get()).isTrue();
        assertThat(model.showStatusProperty().get()).isEqualTo("Waiting for the other side…");
        assertThat(model.showBusyProperty().get()).isTrue();
        model.copied();
        assertThat(model.showStatusProperty().get()).isEqualTo("Code copied. Waiting for the other side…");

        Engine laptop = engine("laptop");
        assertThat(laptop.join(model.codeProperty().get()).get(60, TimeUnit.SECONDS).name()).isEqualTo("desk");
        runFxUntil(() -> !model.countingProperty().get());
        assertThat(model.showStatusProperty().get()).isEqualTo("Paired with laptop. You can send files to each other now.");
        assertThat(model.showToneProperty().get()).isEqualTo(PairingModel.Tone.OK);
        assertThat(model.showBusyProperty().get()).isFalse();
        assertThat(model.countdownProperty().get()).isEmpty();
        model.closed();
        assertThat(cancelled).as("a used code is not voided").isEmpty();
    }

    @Test
    void theCountdownRunsOutAndANewCodeVoidsTheOldOne() throws Exception {
        PairingModel model = new PairingModel(on(desk), fx::add, clock::get);
        model.createCode();
        String first = model.codeProperty().get();
        clock.addAndGet(61_000);
        model.tick();
        assertThat(model.countdownProperty().get()).matches("Expires in \\d+:\\d\\d");
        clock.addAndGet(3_600_000);
        model.tick();
        assertThat(model.countdownProperty().get()).isEqualTo("Expired");
        assertThat(model.countingProperty().get()).isFalse();

        model.createCode();
        assertThat(cancelled).hasSize(1).extracting(PairingInvite::code).containsExactly(first);
        assertThat(model.codeProperty().get()).isNotEqualTo(first);
        model.closed();
        assertThat(cancelled).hasSize(2);
    }

    @Test
    void aTypedCodeIsCheckedAsItIsTypedAndPairsWhenEntered() throws Exception {
        Engine phone = engine("phone");
        PairingInvite invite = phone.invite();
        PairingModel model = new PairingModel(on(desk), fx::add, clock::get);
        model.enteredProperty().set("42-abandon");
        assertThat(model.hintProperty().get()).contains("4 words");
        assertThat(model.hintToneProperty().get()).isEqualTo(PairingModel.Tone.ERROR);
        assertThat(model.joinableProperty().get()).isFalse();
        model.join();
        assertThat(model.joiningProperty().get()).as("a malformed code is never sent").isFalse();

        model.enteredProperty().set(invite.code().toUpperCase());
        assertThat(model.hintProperty().get()).isEqualTo("✓ " + invite.code());
        assertThat(model.hintToneProperty().get()).isEqualTo(PairingModel.Tone.OK);
        assertThat(model.joinableProperty().get()).isTrue();
        model.join();
        assertThat(model.joiningProperty().get()).isTrue();
        assertThat(model.joinableProperty().get()).isFalse();
        assertThat(model.joinStatusProperty().get()).isEqualTo("Pairing: proving both sides know the code…");
        runFxUntil(() -> !model.joiningProperty().get());
        assertThat(model.joinStatusProperty().get()).isEqualTo("Paired with phone. You can send files to each other now.");
        assertThat(model.joinToneProperty().get()).isEqualTo(PairingModel.Tone.OK);
        assertThat(invite.paired().get(60, TimeUnit.SECONDS).name()).isEqualTo("desk");
    }

    @Test
    void aFailureSaysWhatHappenedAndOffersANewCode() {
        PairingModel.Pairing stopped = new PairingModel.Pairing() {
            @Override
            public CompletableFuture<PairingInvite> invite() {
                return CompletableFuture.failedFuture(new IOException("the engine is not running"));
            }

            @Override
            public CompletableFuture<RememberedPeers.Peer> join(String code) {
                return CompletableFuture.failedFuture(new PairingException(PairingException.Reason.NO_SUCH_CODE));
            }

            @Override
            public void cancel(PairingInvite invite) {
            }
        };
        PairingModel model = new PairingModel(stopped, fx::add, clock::get);
        model.createCode();
        assertThat(model.showStatusProperty().get()).isEqualTo("Pairing failed: the engine is not running");
        assertThat(model.showToneProperty().get()).isEqualTo(PairingModel.Tone.ERROR);
        assertThat(model.newCodeOfferedProperty().get()).isTrue();
        assertThat(model.showBusyProperty().get()).isFalse();

        model.enteredProperty().set("7-abandon-ability-able-about");
        model.join();
        assertThat(model.joinStatusProperty().get()).startsWith("No such code on this relay");
        assertThat(model.joinToneProperty().get()).isEqualTo(PairingModel.Tone.ERROR);
        assertThat(model.joinableProperty().get()).as("another try").isTrue();
        assertThat(PairingModel.message(new PairingException(PairingException.Reason.PEER_GAVE_WRONG_CODE)))
                .startsWith("The other side entered a wrong code");
    }
}
