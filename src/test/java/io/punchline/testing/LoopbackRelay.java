package io.punchline.testing;

import io.punchline.crypto.Identity;
import io.punchline.engine.Engine;
import io.punchline.engine.EngineConfig;
import io.punchline.masque.RelayAddress;
import io.punchline.relay.RelayConfig;
import io.punchline.relay.RelayServer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.function.UnaryOperator;

/**
 * A real relay on loopback for one test, and engines bound to it:
 * {@code @RegisterExtension final LoopbackRelay relay = new LoopbackRelay();}.
 */
public final class LoopbackRelay implements BeforeEachCallback, AfterEachCallback {

    private static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private final UnaryOperator<RelayConfig> configure;
    private RelayServer server;

    public LoopbackRelay() {
        this(UnaryOperator.identity());
    }

    /** A relay whose default loopback configuration {@code configure} changes (limits, access, lifetimes). */
    public LoopbackRelay(UnaryOperator<RelayConfig> configure) {
        this.configure = configure;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        server = RelayServer.start(configure.apply(RelayConfig.defaults(ANY_LOOPBACK_PORT)));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (server != null) {
            server.close();
        }
    }

    public RelayServer server() {
        return server;
    }

    public RelayAddress address() {
        return server.address();
    }

    /** An engine with a new identity on loopback, hole punching on. */
    public Engine engine() throws Exception {
        return engine(Identity.generate(new SecureRandom()), true);
    }

    /** An engine with a new identity on loopback that stays relayed. */
    public Engine relayedEngine() throws Exception {
        return engine(Identity.generate(new SecureRandom()), false);
    }

    public Engine engine(Identity identity, boolean traversal) throws Exception {
        return Engine.start(EngineConfig.of(identity, server.address()).withListen(ANY_LOOPBACK_PORT).withTraversal(traversal));
    }
}
