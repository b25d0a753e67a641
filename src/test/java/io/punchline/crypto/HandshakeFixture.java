package io.punchline.crypto;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs handshakes between two fixed identities over memory pipes and replays recorded bytes to one side. */
public final class HandshakeFixture {

    public static final Identity DIALLER = Identity.generate(new CounterDrbg("vector dialler identity"));
    public static final Identity LISTENER = Identity.generate(new CounterDrbg("vector listener identity"));
    public static final Identity STRANGER = Identity.generate(new CounterDrbg("vector stranger identity"));

    /** Both sides' results and every byte each side wrote. */
    public record Run(SessionSecrets dialler, SessionSecrets listener, byte[] diallerBytes, byte[] listenerBytes) {
        @Override
        public byte[] diallerBytes() {
            return diallerBytes.clone();
        }

        @Override
        public byte[] listenerBytes() {
            return listenerBytes.clone();
        }
    }

    private HandshakeFixture() {
    }

    public static Run run(String diallerSeed, String listenerSeed) throws Exception {
        MemoryPipe toListener = new MemoryPipe();
        MemoryPipe toDialler = new MemoryPipe();
        ByteArrayOutputStream diallerCopy = new ByteArrayOutputStream();
        ByteArrayOutputStream listenerCopy = new ByteArrayOutputStream();
        CompletableFuture<SessionSecrets> listener = CompletableFuture.supplyAsync(() -> {
            try {
                return PeerHandshake.listen(LISTENER, PeerPolicy.ANY, toListener.in(),
                        new Tee(toDialler.out(), listenerCopy), new CounterDrbg(listenerSeed));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        SessionSecrets dialler = PeerHandshake.dial(DIALLER, LISTENER.peerId(), toDialler.in(),
                new Tee(toListener.out(), diallerCopy), new CounterDrbg(diallerSeed));
        return new Run(dialler, await(listener), diallerCopy.toByteArray(), listenerCopy.toByteArray());
    }

    /** The dialler, fed {@code listenerBytes} instead of a live listener. */
    public static SessionSecrets dialReplaying(byte[] listenerBytes, String diallerSeed) throws IOException {
        return PeerHandshake.dial(DIALLER, LISTENER.peerId(), new ByteArrayInputStream(listenerBytes),
                new ByteArrayOutputStream(), new CounterDrbg(diallerSeed));
    }

    /** The listener, fed {@code diallerBytes} instead of a live dialler. */
    public static SessionSecrets listenReplaying(byte[] diallerBytes, String listenerSeed) throws IOException {
        return PeerHandshake.listen(LISTENER, PeerPolicy.ANY, new ByteArrayInputStream(diallerBytes),
                new ByteArrayOutputStream(), new CounterDrbg(listenerSeed));
    }

    static <T> T await(CompletableFuture<T> future) throws Exception {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof java.io.UncheckedIOException u) {
                throw u.getCause();
            }
            throw e;
        } catch (TimeoutException e) {
            throw new AssertionError("handshake side did not finish", e);
        }
    }

    /** Writes to a stream and keeps a copy. */
    static final class Tee extends OutputStream {
        private final OutputStream target;
        private final ByteArrayOutputStream copy;

        Tee(OutputStream target, ByteArrayOutputStream copy) {
            this.target = target;
            this.copy = copy;
        }

        @Override
        public void write(int b) throws IOException {
            target.write(b);
            copy.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            target.write(b, off, len);
            copy.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            target.flush();
        }

        @Override
        public void close() throws IOException {
            target.close();
        }
    }
}
