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
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The receiving side of an offer: accept all, some or none; then every wanted file arrives on its own file stream into
 * its {@code .part}, is verified and renamed ({@link PartFile}); folders are created first, empty files and files
 * already present (same content) need no stream. Ends with COMPLETE to the sender when every wanted entry is in place.
 */
public final class IncomingOffer extends Transfer {

    private static final int BLOCK = 64 * 1024;

    /** Where each wanted file goes and its claimed resume slot (the offset asked for); removed when its stream arrives. */
    private record Wanted(Path target, ResumeStore.Slot slot) {
        long offset() {
            return slot.offset;
        }
    }

    private final Map<Integer, Wanted> waiting = new ConcurrentHashMap<>();
    private final AtomicInteger remaining = new AtomicInteger();
    private final AtomicInteger placed = new AtomicInteger();
    private final AtomicBoolean answered = new AtomicBoolean();
    private final Map<Path, Integer> createdFolders = new LinkedHashMap<>();

    IncomingOffer(Transfers owner, TransferId id, PeerSession session, Manifest manifest, SecureStream control,
                  Supplier<String> networkPath) {
        super(owner, id, session, manifest, control, Direction.RECEIVE, networkPath);
    }

    @Override
    int filesDone() {
        return placed.get();
    }

    /**
     * Manifest paths of the files that {@code targetDir} holds a partial copy of from this peer, with the bytes already
     * there: what accepting into that folder would resume instead of receiving again. Reads only the small state
     * files in the data folder; on accept each part's prefix is hashed again before it is trusted, and finished files
     * with the same content are found (by hashing).
     */
    public Map<String, Long> resumable(Path targetDir) {
        Map<String, Long> out = new LinkedHashMap<>();
        try {
            TargetFolder target = new TargetFolder(targetDir);
            for (ManifestEntry entry : manifest.entries()) {
                if (entry.isFile()) {
                    try {
                        long offset = owner.resumeStore().peek(peer(), target.resolve(entry.path()), entry);
                        if (offset > 0) {
                            out.put(entry.path(), offset);
                        }
                    } catch (IOException ignored) {
                        // accept will say what is wrong with this entry
                    }
                }
            }
        } catch (IOException ignored) {
            // no such folder yet: nothing to resume
        }
        return out;
    }

    /** Accepts every entry into {@code targetDir}. */
    public void accept(Path targetDir) {
        accept(targetDir, null);
    }

    /**
     * Accepts the entries named in {@code selectedPaths} (manifest paths; a folder selects everything under it; null
     * selects all) into {@code targetDir}. Runs on the executor; the result says how it went.
     */
    public void accept(Path targetDir, Set<String> selectedPaths) {
        if (!answered.compareAndSet(false, true)) {
            throw new IllegalStateException("transfer " + id + " was already answered");
        }
        owner.executor().execute(() -> prepare(targetDir, selectedPaths));
    }

    /** Declines the whole offer. */
    public void decline() {
        if (!answered.compareAndSet(false, true)) {
            throw new IllegalStateException("transfer " + id + " was already answered");
        }
        if (end(Outcome.DECLINED, "declined")) {
            try {
                send(new Decline());
            } catch (IOException ignored) {
                // the sender's side ends as a lost connection then
            }
            closeControlOutput();
        }
    }

    private void prepare(Path targetDir, Set<String> selectedPaths) {
        List<Request> requests = new ArrayList<>();
        String current = "";
        try {
            List<Integer> selected = select(selectedPaths);
            TargetFolder target = new TargetFolder(targetDir);
            for (int index : selected) {
                ManifestEntry entry = manifest.entries().get(index);
                current = entry.path();
                int slash = entry.path().lastIndexOf('/');
                if (entry.isFile() && slash > 0) {
                    target.makeFolders(entry.path().substring(0, slash));
                }
                if (!entry.isFile()) {
                    if (target.makeFolders(entry.path())) {
                        createdFolders.put(target.resolve(entry.path()), entry.mode());
                    }
                    continue;
                }
                Path path = target.resolve(entry.path());
                if (TargetFolder.existingMatch(path, entry) != null) {
                    placed.incrementAndGet();
                    continue;
                }
                ResumeStore.Slot slot = owner.resumeStore().claim(peer(), path, entry);
                if (slot.offset == entry.size()) {
                    try (slot; PartFile part = PartFile.open(owner.resumeStore(), slot, path, entry)) {
                        part.finish();
                    }
                    placed.incrementAndGet();
                    continue;
                }
                waiting.put(index, new Wanted(path, slot));
                requests.add(new Request(index, slot.offset));
                totalBytes += entry.size() - slot.offset;
            }
        } catch (IOException e) {
            fail("the receiver cannot write \"" + current + "\": " + describe(e), true);
            return;
        } catch (IllegalArgumentException e) {
            fail(e.getMessage(), true);
            return;
        } finally {
            if (isEnded()) {
                onEnded(); // ended (say, the peer aborted) while slots were being claimed: give them back
            }
        }
        remaining.set(requests.size());
        try {
            send(new Answer(requests));
            if (requests.isEmpty()) {
                complete();
            }
        } catch (IOException e) {
            fail(TransferResult.CONNECTION_LOST + ": " + describe(e), false);
        }
    }

    /** Manifest indexes of the selection, in manifest order; ancestors of a selected entry are created as needed. */
    private List<Integer> select(Set<String> selectedPaths) {
        List<Integer> out = new ArrayList<>();
        List<ManifestEntry> entries = manifest.entries();
        if (selectedPaths != null) {
            Set<String> known = new HashSet<>();
            entries.forEach(e -> known.add(e.path()));
            for (String path : selectedPaths) {
                if (!known.contains(path)) {
                    throw new IllegalArgumentException("\"" + path + "\" is not in the offer");
                }
            }
        }
        for (int i = 0; i < entries.size(); i++) {
            String path = entries.get(i).path();
            boolean chosen = selectedPaths == null || selectedPaths.contains(path);
            for (int slash = path.indexOf('/'); !chosen && slash >= 0; slash = path.indexOf('/', slash + 1)) {
                chosen = selectedPaths.contains(path.substring(0, slash));
            }
            if (chosen) {
                out.add(i);
            }
        }
        return out;
    }

    @Override
    void handle(ControlMessage message) throws TransferProtocolException {
        if (message instanceof Abort abort) {
            onPeerAbort(abort);
            closeControlOutput();
        } else {
            throw new TransferProtocolException("unexpected " + message.getClass().getSimpleName() + " from the sender");
        }
    }

    /** A file stream of this transfer, its header read. Runs on an executor thread until the file is in place. */
    void receive(FileHeader header, SecureStream stream) {
        Wanted wanted = waiting.remove(header.index());
        if (wanted == null || wanted.offset() != header.offset()) {
            if (wanted != null) {
                wanted.slot().close();
            }
            fail("protocol error from the peer: a file stream for entry " + header.index() + " from " + header.offset()
                    + " was not asked for", true);
            stream.abort(); // after the reason went out: the peer reads it, not a bare reset
            return;
        }
        try (ResumeStore.Slot slot = wanted.slot()) {
            receive(header, stream, wanted.target(), slot);
        }
    }

    private void receive(FileHeader header, SecureStream stream, Path target, ResumeStore.Slot slot) {
        fileStreams.add(stream);
        if (isEnded()) {
            stream.abort();
            return;
        }
        ManifestEntry entry = manifest.entries().get(header.index());
        PartFile part;
        try {
            part = PartFile.open(owner.resumeStore(), slot, target, entry);
        } catch (IOException e) {
            fail("the receiver cannot write \"" + entry.path() + "\": " + describe(e), true); // resets the stream after
            return;
        }
        byte[] block = new byte[BLOCK];
        InputStream in = stream.input();
        try (part) {
            while (true) {
                int n;
                try {
                    n = in.read(block);
                } catch (IOException e) {
                    checkpointQuietly(part);
                    if (!isEnded()) {
                        fileStreamBroken(TransferResult.CONNECTION_LOST + " while receiving \"" + entry.path() + "\": " + describe(e), false);
                    }
                    return;
                }
                if (n < 0) {
                    break;
                }
                if (part.written() + n > entry.size()) {
                    fail("protocol error from the peer: \"" + entry.path() + "\" is longer than offered", true);
                    return;
                }
                part.write(block, 0, n);
                progress(n, entry.path());
                if (isEnded()) {
                    checkpointQuietly(part);
                    return;
                }
            }
            part.finish();
            stream.close();
            fileStreams.remove(stream);
            placed.incrementAndGet();
            send(new FileDone(header.index()));
            if (remaining.decrementAndGet() == 0) {
                complete();
            }
        } catch (IOException e) {
            fail("the receiver could not write \"" + entry.path() + "\": " + describe(e), true);
            stream.abort();
        }
    }

    /** Gives back the resume slots of files whose streams never came. */
    @Override
    void onEnded() {
        for (Integer index : List.copyOf(waiting.keySet())) {
            Wanted wanted = waiting.remove(index);
            if (wanted != null) {
                wanted.slot().close();
            }
        }
    }

    /** Saves what arrived before the stream broke; an interrupt must not close the part's channel first. */
    private static void checkpointQuietly(PartFile part) {
        boolean interrupted = Thread.interrupted();
        try {
            part.checkpoint();
        } catch (IOException e) {
            // the last periodic checkpoint stays valid; the bytes after it are sent again
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void complete() throws IOException {
        if (isEnded()) {
            return;
        }
        List<Map.Entry<Path, Integer>> folders = new ArrayList<>(createdFolders.entrySet());
        for (int i = folders.size() - 1; i >= 0; i--) {
            TargetFolder.applyMode(folders.get(i).getKey(), folders.get(i).getValue());
        }
        if (totalBytes > 0) {
            reportProgress();
        }
        // ended before the peer hears of it: once the sender has our Complete it closes the control stream, and that
        // end must not find this transfer still open ("the peer closed the transfer without a result")
        int files = placed.get();
        if (end(Outcome.COMPLETED, "received " + files + " files")) {
            send(new Complete(files, meter.bytes()));
            closeControlOutput();
        }
    }
}
