package io.punchline.portmap;

import java.net.InetAddress;

/**
 * RFC 6887 section 7.2 (response header) with section 11.1 (MAP opcode data). An error answer without opcode data
 * (section 7.2 allows one for UNSUPP_VERSION and MALFORMED_REQUEST) has a null nonce and address.
 *
 * <pre>
 *   Version = 2 (8) | R = 1 (1) | Opcode = MAP (7) | Reserved (8) | Result Code (8) | Lifetime (32) | Epoch Time (32)
 *   Reserved (96) | Mapping Nonce (96) | Protocol (8) | Reserved (24) | Internal Port (16)
 *   Assigned External Port (16) | Assigned External IP Address (128) | Options ...
 * </pre>
 */
public record PcpMapResponse(int resultCode, long lifetimeSeconds, long epochSeconds, PcpNonce nonce, int protocol,
                             int internalPort, int externalPort, InetAddress external) {

    public boolean isSuccess() {
        return resultCode == PcpCodec.SUCCESS && nonce != null;
    }

    /** Section 11.3: the answer is to this request (nonce, protocol and internal port match). */
    public boolean answers(PcpMapRequest request) {
        return nonce != null && nonce.equals(request.nonce()) && protocol == request.protocol()
                && internalPort == request.internalPort();
    }
}
