package io.punchline.transfer;

/**
 * The one kind byte every application stream starts with, written by the stream's opener; the engine reads it and
 * routes the stream. 0x01 is the engine's test stream.
 */
public final class StreamKind {

    /** A transfer's control stream: offer, answer, per-file done, cancel or error, final result. */
    public static final int OFFER = 0x02;

    /** One file's bytes, after a {@link FileHeader}. */
    public static final int FILE = 0x03;

    private StreamKind() {
    }
}
