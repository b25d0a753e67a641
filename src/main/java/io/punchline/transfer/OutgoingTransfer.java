package io.punchline.transfer;

import io.punchline.session.PeerSession;
import io.punchline.session.SecureStream;
import io.punchline.transfer.ControlMessage.Abort;
import io.punchline.transfer.ControlMessage.Answer;
import io.punchline.transfer.ControlMessage.Complete;
import io.punchline.transfer.ControlMessage.Decline;
import io.punchline.transfer.ControlMessage.FileDone;
import io.punchline.transfer.ControlMessage.Request;
import io.punchline.transfer.TransferResult.Outcome;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The sending side: waits for the answer, then sends the wanted files, each on its own file stream from the offset
 * the receiver asked for, at most {@link Transfers#PARALLEL_FILES} at a time (so small files never wait behind a big
 * one), and ends when the receiver reports COMPLETE (or DECLINE, or ABORT).
 */
public final class OutgoingTransfer extends Transfer {

    private static final int BLOCK = 64 * 1024;

    private final List<Path> sources;
    private final Queue<Request> queue = new ConcurrentLinkedQueue<>();
    private final Set<Integer> requested = new HashSet<>();
    private final AtomicInteger acknowledged = new AtomicInteger();
    private volatile boolean answered;

    OutgoingTransfer(Transfers owner, TransferId id, PeerSession session, Manifest manifest, List<Path> sources,
                     SecureStream control, Supplier<String> networkPath) {
        super(owner, id, session, manifest, control, Direction.SEND, networkPath);
        this.sources = sources;
    }

    @Override
    int filesDone() {
        return acknowledged.get();
    }

    @Override
    void handle(ControlMessage message) throws IOException, TransferProtocolException {
        if (message instanceof Answer answer && !answered) {
            answered = true;
            long total = 0;
            for (Request request : answer.requests()) {
                if (request.index() >= manifest.entries().size() || !manifest.entries().get(request.index()).isFile()
                        || request.offset() > manifest.entries().get(request.index()).size() || !requested.add(request.index())) {
                    throw new TransferProtocolException("the answer asks for entry " + request.index() + " from "
                            + request.offset() + ", which was not offered (or twice)");
                }
                total += manifest.entries().get(request.index()).size() - request.offset();
            }
            totalBytes = total;
            queue.addAll(answer.requests());
            int workers = Math.min(Transfers.PARALLEL_FILES, answer.requests().size());
            for (int i = 0; i < workers; i++) {
                owner.executor().execute(this::sendQueued);
            }
        } else if (message instanceof FileDone done && answered) {
            if (!requested.contains(done.index())) {
                throw new TransferProtocolException("FILE_DONE for entry " + done.index() + ", which was not asked for");
            }
            acknowledged.incrementAndGet();
        } else if (message instanceof Complete complete && answered) {
            acknowledged.set(complete.files());
            if (totalBytes > 0) {
                reportProgress();
            }
            end(Outcome.COMPLETED, "sent " + complete.files() + " files");
            closeControlOutput();
        } else if (message instanceof Decline && !answered) {
            end(Outcome.DECLINED, "declined by the peer");
            closeControlOutput();
        } else if (message instanceof Abort abort) {
            onPeerAbort(abort);
            closeControlOutput();
        } else {
            throw new TransferProtocolException("unexpected " + message.getClass().getSimpleName() + " from the receiver");
        }
    }

    private void sendQueued() {
        byte[] block = new byte[BLOCK];
        ByteBuffer buffer = ByteBuffer.wrap(block);
        for (Request request; !isEnded() && (request = queue.poll()) != null; ) {
            if (!sendFile(request, block, buffer)) {
                return;
            }
        }
    }

    private boolean sendFile(Request request, byte[] block, ByteBuffer buffer) {
        ManifestEntry entry = manifest.entries().get(request.index());
        Path source = sources.get(request.index());
        FileChannel channel;
        try {
            channel = FileChannel.open(source, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
            if (channel.size() != entry.size()) {
                channel.close();
                fail("\"" + entry.path() + "\" changed on the sender since it was offered", true);
                return false;
            }
        } catch (IOException e) {
            fail("the sender could not read \"" + entry.path() + "\": " + describe(e), true);
            return false;
        }
        SecureStream stream = null;
        try (channel) {
            stream = session.openStream();
            fileStreams.add(stream);
            if (isEnded()) {
                stream.abort();
                return false;
            }
            OutputStream out = stream.output();
            out.write(StreamKind.FILE);
            out.write(new FileHeader(id, request.index(), request.offset()).encode());
            long position = request.offset();
            while (position < entry.size()) {
                buffer.clear().limit((int) Math.min(BLOCK, entry.size() - position));
                int n;
                try {
                    n = channel.read(buffer, position);
                } catch (IOException e) {
                    // our failure, not the stream's: the receiver hears why before the stream is reset
                    fail("the sender could not read \"" + entry.path() + "\": " + describe(e), true);
                    return false;
                }
                if (n < 0) {
                    fail("\"" + entry.path() + "\" got shorter on the sender while it was sent", true);
                    return false;
                }
                out.write(block, 0, n);
                position += n;
                progress(n, entry.path());
            }
            out.close();
            fileStreams.remove(stream);
            return true;
        } catch (IOException e) {
            if (stream != null) {
                stream.abort();
                fileStreams.remove(stream);
            }
            if (!isEnded()) {
                fileStreamBroken("sending \"" + entry.path() + "\" failed: " + describe(e), true);
            }
            return false;
        }
    }
}
