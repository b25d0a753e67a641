package io.punchline.crypto;

/** The listener's decision whether a dialler, known by its PeerId, may complete a handshake. */
@FunctionalInterface
public interface PeerPolicy {

    /** Accepts every dialler whose signature verifies (first contact, tests). */
    PeerPolicy ANY = peer -> true;

    boolean allows(PeerId dialler);
}
