package io.punchline.crypto;

import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One post-quantum peer handshake (docs/SECURITY.md section 3) played in memory between two throwaway identities, over
 * pipes: ML-KEM-768 and ML-DSA-65 key generation, encapsulation, signatures and their checks, the transcript and the
 * key schedule, as a real dial and answer run them. A sender runs it while it waits for its peer to enter the code, so
 * the first real handshake does not pay for loading and interpreting BouncyCastle's lattice code (its dial to the
 * freshly paired receiver took 180-270 ms in the lab, most of it CPU in a cold process). Nothing leaves the process,
 * and the identities are never stored.
 */
public final class HandshakeRehearsal {

    private static final int PIPE_BYTES = 64 * 1024;

    private HandshakeRehearsal() {
    }

    /** Plays the handshake; returns whether both sides derived the same session secret (they do, unless this code is broken). */
    public static boolean run() throws IOException {
        SecureRandom random = new SecureRandom();
        Identity dialler = Identity.generate(random);
        Identity listener = Identity.generate(random);
        PipedInputStream toListener = new PipedInputStream(PIPE_BYTES);
        PipedInputStream toDialler = new PipedInputStream(PIPE_BYTES);
        PipedOutputStream fromDialler = new PipedOutputStream(toListener);
        PipedOutputStream fromListener = new PipedOutputStream(toDialler);
        CompletableFuture<SessionSecrets> answered = new CompletableFuture<>();
        Thread answer = new Thread(() -> {
            try {
                answered.complete(PeerHandshake.listen(listener, PeerPolicy.ANY, toListener, fromListener, random));
            } catch (IOException | RuntimeException e) {
                answered.completeExceptionally(e);
            }
        }, "punchline-handshake-rehearsal");
        answer.setDaemon(true);
        answer.start();
        SessionSecrets dialled = PeerHandshake.dial(dialler, listener.peerId(), toDialler, fromDialler, random);
        SessionSecrets listened;
        try {
            listened = answered.join();
        } catch (CompletionException e) {
            throw new IOException("the rehearsal's listener failed: " + e.getCause(), e.getCause());
        }
        return dialled.transcriptHash().length > 0
                && Arrays.equals(dialled.transcriptHash(), listened.transcriptHash())
                && dialled.peer().equals(listener.peerId()) && listened.peer().equals(dialler.peerId());
    }
}
