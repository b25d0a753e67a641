package io.punchline.relay;

/** Where a relay may send UDP payloads besides its own binds (docs/SECURITY.md, "The relay operator's side"). */
public enum TargetScope {
    /** Public unicast addresses only: the default of {@code punchline relay}. */
    PUBLIC,
    /** Public and private addresses (RFC 1918, CGN, ULA): {@code --allow-private-targets}, a relay inside a LAN. */
    PRIVATE,
    /**
     * Nothing but this relay's own binds, served in process: an embedded relay that exists only so that peers can
     * reach each other through it, and sends no packet anywhere else.
     */
    OWN_BINDS_ONLY
}
