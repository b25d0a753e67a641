package io.punchline.portmap;

/**
 * RFC 6886 section 3.3, the answer to a UDP mapping request (opcode 129). A non-zero result code (section 3.5) carries
 * no mapping; its ports and lifetime are 0.
 *
 * <pre>
 *   Vers = 0 (8) | OP = 129 (8) | Result Code (16) | Seconds Since Start of Epoch (32)
 *   Internal Port (16) | Mapped External Port (16) | Port Mapping Lifetime in Seconds (32)
 * </pre>
 */
public record NatPmpMapResponse(int resultCode, long epochSeconds, int internalPort, int externalPort,
                                long lifetimeSeconds) {

    public static final int LENGTH = 16;

    public boolean isSuccess() {
        return resultCode == NatPmpCodec.SUCCESS;
    }
}
