package io.punchline.engine;

import io.punchline.session.PeerSession;
import io.punchline.session.SecureStream;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The test-data exchange of {@code punchline dial}/{@code listen}: the dialler streams pseudo-random bytes on a secure
 * stream, the listener answers with their count and SHA-256, and both report progress with the path in use.
 */
public final class TestStream {

    /** The kind byte that starts a test stream (see {@link Engine}'s stream kinds). */
    public static final int KIND = 0x01;

    private static final int BLOCK = 64 * 1024;
    private static final long REPORT_NANOS = 500_000_000L;

    private TestStream() {
    }

    /** Sends {@code total} bytes and checks the peer's count and hash; returns the SHA-256 on success. */
    public static byte[] send(Engine engine, PeerSession session, long total, long seed) throws IOException {
        MessageDigest digest = sha256();
        SplittableRandom random = new SplittableRandom(seed);
        byte[] block = new byte[BLOCK];
        long start = System.nanoTime();
        long lastReport = start;
        long sent = 0;
        try (SecureStream stream = session.openStream()) {
            stream.output().write(KIND);
            while (sent < total) {
                int n = (int) Math.min(block.length, total - sent);
                for (int i = 0; i < n; i += 8) {
                    long value = random.nextLong();
                    for (int j = 0; j < 8 && i + j < n; j++) {
                        block[i + j] = (byte) (value >>> (8 * j));
                    }
                }
                stream.output().write(block, 0, n);
                digest.update(block, 0, n);
                sent += n;
                long now = System.nanoTime();
                if (now - lastReport >= REPORT_NANOS) {
                    lastReport = now;
                    progress(engine, session, "test-send", sent, total, start, now);
                }
            }
            stream.output().close();
            DataInputStream answer = new DataInputStream(stream.input());
            long count = answer.readLong();
            byte[] theirs = new byte[32];
            answer.readFully(theirs);
            byte[] ours = digest.digest();
            if (count != total || !Arrays.equals(theirs, ours)) {
                throw new IOException("the peer received " + count + " bytes with a different SHA-256");
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            engine.events().publish(new EngineEvent.TransferFinished(session.peer().fingerprint(), "test-send", total,
                    millis, hex(ours), 0));
            return ours;
        }
    }

    /** Receives a test stream, kind byte included, and answers with its count and SHA-256. */
    public static void receive(Engine engine, PeerSession session, SecureStream stream) throws IOException {
        int kind = stream.input().read();
        if (kind != KIND) {
            throw new IOException("not a test stream: kind " + kind);
        }
        receiveBody(engine, session, stream);
    }

    /** Receives a test stream whose kind byte was already read. */
    static void receiveBody(Engine engine, PeerSession session, SecureStream stream) throws IOException {
        MessageDigest digest = sha256();
        byte[] buffer = new byte[BLOCK];
        long start = System.nanoTime();
        long lastReport = start;
        long received = 0;
        InputStream in = stream.input();
        for (int n; (n = in.read(buffer)) >= 0; ) {
            digest.update(buffer, 0, n);
            received += n;
            long now = System.nanoTime();
            if (now - lastReport >= REPORT_NANOS) {
                lastReport = now;
                progress(engine, session, "test-receive", received, -1, start, now);
            }
        }
        byte[] hash = digest.digest();
        DataOutputStream out = new DataOutputStream(stream.output());
        out.writeLong(received);
        out.write(hash);
        stream.close();
        engine.events().publish(new EngineEvent.TransferFinished(session.peer().fingerprint(), "test-receive", received,
                (System.nanoTime() - start) / 1_000_000, hex(hash), 0));
    }

    private static void progress(Engine engine, PeerSession session, String name, long bytes, long total, long start, long now) {
        long rate = (long) (bytes * 1e9 / Math.max(1, now - start));
        engine.events().publish(new EngineEvent.TransferProgress(session.peer().fingerprint(), name, bytes, total, rate,
                engine.pathOf(session), ""));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] bytes) {
        StringBuilder out = new StringBuilder(bytes.length * 2);
        for (byte b : bytes) {
            out.append(Character.forDigit((b >> 4) & 15, 16)).append(Character.forDigit(b & 15, 16));
        }
        return out.toString();
    }
}
