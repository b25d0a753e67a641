package io.punchline.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * The post-quantum peer handshake, run on the first bidirectional stream of a peer connection before any application
 * byte (docs/SECURITY.md, "Peer handshake"):
 * <pre>
 *   dialler  -- DiallerHello(version, nonce_d, ML-KEM ek, pk_d) -->  listener
 *   dialler  <-- ListenerHello(version, nonce_l, ML-KEM ct, pk_l) --  listener
 *   dialler  <-- Proof(sig_l over TH2, confirm_l) ------------------  listener
 *   dialler  -- Proof(sig_d over TH3, confirm_d) ------------------>  listener
 * </pre>
 * Blocking; the caller bounds the time (closing the streams aborts a read).
 */
public final class PeerHandshake {

    /** The context string: first bytes of the transcript and of every signed message. */
    public static final String CONTEXT = "punchline/1 peer handshake";

    private PeerHandshake() {
    }

    /** Dials a paired peer: anything but {@code expectedPeer} answering fails with WRONG_PEER. */
    public static SessionSecrets dial(Identity self, PeerId expectedPeer, InputStream in, OutputStream out,
                                      SecureRandom random) throws IOException {
        if (expectedPeer == null) {
            throw new IllegalArgumentException("expectedPeer is required; use dialAnyPeer for first contact");
        }
        return new DiallerHandshake(self, expectedPeer, in, out, random).run();
    }

    /** Dials without a pinned PeerId (first contact); the caller must check {@link SessionSecrets#peer()} itself. */
    public static SessionSecrets dialAnyPeer(Identity self, InputStream in, OutputStream out, SecureRandom random)
            throws IOException {
        return new DiallerHandshake(self, null, in, out, random).run();
    }

    /** Answers a dialler; {@code policy} decides on the dialler's PeerId before any key material is spent. */
    public static SessionSecrets listen(Identity self, PeerPolicy policy, InputStream in, OutputStream out,
                                        SecureRandom random) throws IOException {
        return new ListenerHandshake(self, policy, in, out, random).run();
    }

    static byte[] transcriptPrefix() {
        return withZero(CONTEXT);
    }

    /**
     * What a side signs: {@code ASCII(CONTEXT) || 0x00 || ASCII(role) || 0x00 || version(2) || PeerId_dialler(32) ||
     * PeerId_listener(32) || transcript hash(32)}.
     */
    static byte[] signedContent(Role signer, PeerId dialler, PeerId listener, byte[] transcriptHash) {
        byte[] context = withZero(CONTEXT);
        byte[] role = withZero(signer.label());
        return ByteBuffer.allocate(context.length + role.length + 2 + 3 * 32)
                .put(context).put(role).putShort((short) HandshakeMessage.VERSION)
                .put(dialler.bytes()).put(listener.bytes()).put(transcriptHash).array();
    }

    /** Sends ABORT and ignores failures: the stream may already be gone. */
    static void abortQuietly(OutputStream out, HandshakeException.Reason reason) {
        try {
            HandshakeFraming.write(out, new HandshakeAbort(reason));
        } catch (IOException | RuntimeException ignored) {
            // the peer learns of the failure when the connection closes
        }
    }

    private static byte[] withZero(String text) {
        byte[] ascii = text.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[ascii.length + 1];
        System.arraycopy(ascii, 0, out, 0, ascii.length);
        return out;
    }
}
