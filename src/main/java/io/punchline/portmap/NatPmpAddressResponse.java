package io.punchline.portmap;

import java.net.Inet4Address;

/**
 * RFC 6886 section 3.2, the answer to a public address request (opcode 128); {@code external} is null unless the
 * result code is 0.
 *
 * <pre>
 *   Vers = 0 (8) | OP = 128 (8) | Result Code (16) | Seconds Since Start of Epoch (32) | External IPv4 Address (32)
 * </pre>
 */
public record NatPmpAddressResponse(int resultCode, long epochSeconds, Inet4Address external) {

    public static final int LENGTH = 12;

    public boolean isSuccess() {
        return resultCode == NatPmpCodec.SUCCESS && external != null;
    }
}
