package io.punchline.nat;

/**
 * The two roles of draft-seemann-quic-nat-traversal-02: the QUIC "client" and "server" of the connection that carries
 * the traversal messages. On a Punchline peer connection the client is the dialler (it runs the kwik client
 * connection) and the server is the dialled peer (the listener). Only the server advertises addresses (ADD_ADDRESS,
 * REMOVE_ADDRESS); only the client asks for punching (PUNCH_ME_NOW); either may send OBSERVED_ADDRESS
 * (draft-ietf-quic-address-discovery-00 lets both endpoints provide observations); the {@link NatTraversalParameter}
 * is empty from the client and carries the concurrency limit from the server.
 */
public enum TraversalRole {
    /** The dialler: pairs candidates, runs the rounds, sends PUNCH_ME_NOW. ICE's controlling agent. */
    CLIENT,
    /** The dialled peer: advertises candidates, answers PUNCH_ME_NOW by probing. */
    SERVER;

    public TraversalRole peer() {
        return this == CLIENT ? SERVER : CLIENT;
    }

    /** {@code true} when an endpoint in this role may send {@code message}. */
    public boolean maySend(TraversalMessage message) {
        return message.mayBeSentBy(this);
    }

    /**
     * Checks a message received by an endpoint in this role. draft-seemann-quic-nat-traversal-02: a server receiving
     * ADD_ADDRESS or REMOVE_ADDRESS, and a client receiving PUNCH_ME_NOW, "MUST close the connection with an error of
     * type PROTOCOL_VIOLATION".
     */
    public void requireReceivable(TraversalMessage message) throws TraversalProtocolException {
        if (message instanceof NatTraversalParameter p && !p.mayBeSentBy(peer())) {
            throw TraversalProtocolException.parameter(this == SERVER
                    ? "the client's nat_traversal parameter MUST NOT carry a value"
                    : "the server's nat_traversal parameter must carry a concurrency limit");
        }
        if (!message.mayBeSentBy(peer())) {
            throw TraversalProtocolException.violation(message.name() + " received by the " + name().toLowerCase()
                    + " (only the " + this.name().toLowerCase() + " may send it)");
        }
    }
}
