package io.punchline.crypto;

/** Which end of a peer connection: the side that dialled, or the side that was dialled. */
public enum Role {
    DIALLER("dialler"),
    LISTENER("listener");

    private final String label;

    Role(String label) {
        this.label = label;
    }

    /** The ASCII label used in signed content (docs/SECURITY.md). */
    String label() {
        return label;
    }

    /** The direction of records this side sends. */
    Direction sending() {
        return this == DIALLER ? Direction.DIALLER_TO_LISTENER : Direction.LISTENER_TO_DIALLER;
    }

    Direction receiving() {
        return this == DIALLER ? Direction.LISTENER_TO_DIALLER : Direction.DIALLER_TO_LISTENER;
    }

    /** Which way records travel on a stream; each direction has its own keys. */
    enum Direction {
        DIALLER_TO_LISTENER(0),
        LISTENER_TO_DIALLER(1);

        final int code;

        Direction(int code) {
            this.code = code;
        }
    }
}
