package io.punchline.ui.host;

import io.punchline.masque.RelayAddress;
import io.punchline.relay.RelayServer;

/**
 * The relay a window's engine binds on, and why that one.
 *
 * @param address  the relay, pinned
 * @param server   the relay running in this process, or null
 * @param origin   one sentence for the relay pane and the status bar
 */
public record RelayChoice(RelayAddress address, RelayServer server, String origin) {

    public boolean embedded() {
        return server != null;
    }
}
