package io.punchline.masque;

import java.net.InetSocketAddress;

/**
 * What a Context ID in a received HTTP Datagram means, per {@link ContextRegistry#lookup(long)}.
 *
 * @param kind how to treat the datagram
 * @param target the registered tuple, for {@link Kind#COMPRESSED} only
 */
public record ContextLookup(Kind kind, InetSocketAddress target) {

    public enum Kind {
        /** Not registered (yet): drop, or buffer for about one RTT (RFC 9298 section 4). */
        UNKNOWN,
        /** Closed: discard silently, it was reordered behind the COMPRESSION_CLOSE. */
        CLOSED,
        /** The uncompressed context: an address header follows the Context ID. */
        UNCOMPRESSED,
        /** A compressed context: the bare UDP payload follows, {@link #target()} is the tuple. */
        COMPRESSED,
        /** Context ID 0 on a request that named a real target: RFC 9298 payload to or from that target. */
        URI_TARGET,
        /** Context ID 0 on a request whose target variables were both "*": the request stream MUST be aborted. */
        ABORT_STREAM
    }

    public static final ContextLookup UNKNOWN = new ContextLookup(Kind.UNKNOWN, null);
    public static final ContextLookup CLOSED = new ContextLookup(Kind.CLOSED, null);
    public static final ContextLookup UNCOMPRESSED = new ContextLookup(Kind.UNCOMPRESSED, null);
    public static final ContextLookup URI_TARGET = new ContextLookup(Kind.URI_TARGET, null);
    public static final ContextLookup ABORT_STREAM = new ContextLookup(Kind.ABORT_STREAM, null);

    public static ContextLookup compressed(InetSocketAddress target) {
        return new ContextLookup(Kind.COMPRESSED, target);
    }
}
