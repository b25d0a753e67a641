package io.punchline.discovery;

import io.punchline.masque.RelayAddress;
import io.punchline.masque.RelayFleet;
import io.punchline.relay.RelayServer;

/**
 * The relay an engine binds on, and why that one ({@link RelayChoice}).
 *
 * @param relays   the relay, pinned; or the configured fleet's relays, of which the engine binds on the nearest
 * @param server   the relay running in this process, or null
 * @param source   which rule chose it
 * @param origin   one sentence for the window's relay pane and status bar
 */
public record ChosenRelay(RelayFleet relays, RelayServer server, Source source, String origin) {

    /** The rules of {@link RelayChoice}, in their order of precedence. */
    public enum Source {
        /** Given by the user: {@code --relay}, or the window's settings. */
        CONFIGURED,
        /** The relay in the contact being dialled ({@code punchline dial PEER@BIND@RELAY}). */
        PEERS_RELAY,
        /** A relay another Punchline of this user embeds, on this machine or the LAN ({@link LocalRelays}). */
        NEARBY,
        /** A relay started in this process ({@link EmbeddedRelayConfig}). */
        EMBEDDED
    }

    /** One relay: the only one, or the first of a configured fleet (whose relays all have the same pins). */
    public RelayAddress address() {
        return relays.first();
    }

    public boolean embedded() {
        return server != null;
    }
}
